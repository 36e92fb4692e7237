using System.Data.Common;
using Coordinator.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// The agent saga's endpoint: the documented queue <c>coordinator.agents</c>, fed by agents' commands
/// and bound to the internal health-verdict exchange. Concurrency conflicts are retried (reload and replay).
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

        // Conflicts between coordinators sharing the database: reload and replay, with jitter, many times.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<DbUpdateException>();
            r.Handle<DbException>();
            r.Exponential(30, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(25));
        });
        // Events and responses leave only once the saga is saved: none for an attempt that is retried, none before commit.
        endpointConfigurator.UseInMemoryOutbox(context);

        // Within this coordinator, one agent's messages are consumed one at a time (different agents in parallel),
        // so they never race each other for the same row.
        var partitioner = endpointConfigurator.CreatePartitioner(ConcurrentMessageLimit ?? 32);
        sagaConfigurator.Message<RegisterAgent>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
        sagaConfigurator.Message<AgentHeartbeat>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
        sagaConfigurator.Message<DrainAgent>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
        sagaConfigurator.Message<UnregisterAgent>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
        sagaConfigurator.Message<AgentHeartbeatMissed>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
        sagaConfigurator.Message<AgentFailureDetected>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
        sagaConfigurator.Message<AgentHealthAssessed>(m => m.UsePartitioner(partitioner, c => AgentIdentity.CorrelationIdOf(c.Message.AgentId)));
    }
}
