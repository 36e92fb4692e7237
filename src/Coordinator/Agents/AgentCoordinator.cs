using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// Goes through the state machine for every change (so the saga stays the one authority) and reads
/// the saga store for status, with what the agents' heartbeats said since (<see cref="HeartbeatBook"/>).
/// </summary>
public sealed class AgentCoordinator(
    IRequestClient<RegisterAgent> registrationClient,
    IBus bus,
    IDbContextFactory<CoordinatorDbContext> dbFactory,
    HeartbeatBook heartbeats,
    RabbitMqOptions broker,
    TimeProvider time) : IAgentCoordinator
{
    public async Task<RegistrationResult> RegisterAgentAsync(RegisterAgent registration, CancellationToken cancellationToken)
    {
        var response = await registrationClient.GetResponse<AgentRegistered, AgentRegistrationRejected>(registration, cancellationToken);
        return response.Is(out Response<AgentRegistrationRejected>? rejected)
            ? new RegistrationResult(false, rejected!.Message.Reason)
            : new RegistrationResult(true, null);
    }

    public async Task<bool> UnregisterAgentAsync(string agentId, string reason, CancellationToken cancellationToken)
    {
        var agent = await GetAgentStatusAsync(agentId, cancellationToken);
        if (agent is null)
            return false;
        var endpoint = await bus.GetSendEndpoint(new Uri($"exchange:{EntityNames.AgentControl}"));
        await endpoint.Send(new UnregisterAgent
        {
            AgentId = agent.AgentId,
            InstanceId = agent.InstanceId,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        }, cancellationToken);
        return true;
    }

    public async Task<AgentView?> GetAgentStatusAsync(string agentId, CancellationToken cancellationToken)
    {
        var id = AgentIdentity.CorrelationIdOf(agentId);
        await using var db = dbFactory.CreateDbContext();
        var saga = await db.Agents().AsNoTracking().SingleOrDefaultAsync(a => a.CorrelationId == id, cancellationToken);
        return saga is null ? null : ViewOf(saga);
    }

    public async Task<IReadOnlyList<AgentView>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var sagas = await db.Agents().AsNoTracking().OrderBy(a => a.AgentId).ToListAsync(cancellationToken);
        return sagas.Select(ViewOf).ToList();
    }

    AgentView ViewOf(AgentState saga) =>
        AgentView.From(saga, heartbeats.Find(saga.AgentId) is { } heard && heard.InstanceId == saga.InstanceId ? heard : null);

    public async Task DrainAgentAsync(AgentView agent, CancellationToken cancellationToken)
    {
        var drain = new DrainAgent { AgentId = agent.AgentId, InstanceId = agent.InstanceId, Timestamp = time.GetUtcNow() };
        await (await bus.GetSendEndpoint(new Uri($"exchange:{EntityNames.AgentControl}"))).Send(drain, cancellationToken);
        await (await bus.GetSendEndpoint(broker.QueueAddress(EntityNames.AgentQueue(agent.AgentId)))).Send(drain, cancellationToken);
    }

    public async Task<bool> HandleAgentFailureAsync(string agentId, string reason, CancellationToken cancellationToken)
    {
        if (await GetAgentStatusAsync(agentId, cancellationToken) is null)
            return false;
        await bus.Publish(new AgentFailureDetected
        {
            AgentId = agentId,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        }, cancellationToken);
        return true;
    }
}
