using System.Data.Common;
using Coordinator.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// The agent saga's endpoint: the documented queue <c>coordinator.agents</c>, fed by agents' commands (and heartbeats of
/// agents that still send them here, taken by <see cref="ControlQueueHeartbeatConsumer"/>) and bound to the internal health exchange
/// (verdicts, and reports forwarded from heartbeats). Concurrency conflicts are retried (reload and replay).
/// </summary>
public sealed class AgentStateDefinition : SagaDefinition<AgentState>
{
    public AgentStateDefinition()
    {
        EndpointName = EntityNames.AgentControl;
        ConcurrentMessageLimit = 32;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<AgentState> sagaConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            // Commands arrive on the endpoint's own exchange; only the health verdicts need a binding.
            rabbit.ConfigureConsumeTopology = false;
            rabbit.Bind(EntityNames.AgentHealth);
        }

        // Within this coordinator, one agent's messages are consumed one at a time and in order (different agents in
        // parallel), so they never race each other for the same row. The partition is held through the retries below: an
        // agent's next message (an unregistration after a drain, say) waits while this one is retried, instead of overtaking it.
        var partitioner = endpointConfigurator.CreatePartitioner(ConcurrentMessageLimit ?? 32);
        endpointConfigurator.UsePartitioner(partitioner, AgentKey);

        // Conflicts between coordinators sharing the database: reload and replay, with jitter, many times.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<DbUpdateException>();
            r.Handle<DbException>();
            r.Exponential(30, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(25));
        });
        // Events and responses leave only once the saga is saved: none for an attempt that is retried, none before commit.
        endpointConfigurator.UseInMemoryOutbox(context);
    }

    /// <summary>The agent a message on this endpoint concerns (all carry its id).</summary>
    static Guid AgentKey(ConsumeContext context) => AgentIdentity.CorrelationIdOf(
        context.TryGetMessage<AgentHeartbeat>(out var heartbeat) ? heartbeat.Message.AgentId
        : context.TryGetMessage<RegisterAgent>(out var register) ? register.Message.AgentId
        : context.TryGetMessage<DrainAgent>(out var drain) ? drain.Message.AgentId
        : context.TryGetMessage<UnregisterAgent>(out var unregister) ? unregister.Message.AgentId
        : context.TryGetMessage<AgentHeartbeatMissed>(out var missed) ? missed.Message.AgentId
        : context.TryGetMessage<AgentFailureDetected>(out var failure) ? failure.Message.AgentId
        : context.TryGetMessage<AgentHealthAssessed>(out var assessed) ? assessed.Message.AgentId
        : context.TryGetMessage<AgentHealthReported>(out var reported) ? reported.Message.AgentId
        : "");
}
