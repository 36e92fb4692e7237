using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Agents;

/// <summary>
/// Takes a heartbeat at memory speed: checks it against the registry (a known agent, its current instance, not Failed),
/// records it in the <see cref="HeartbeatBook"/>, and tells the agent's state machine only what changes its state: a
/// different reported status, or a sign of life from an agent it holds silent (<see cref="AgentHealthReported"/>).
/// Behind <see cref="HeartbeatConsumer"/> (<c>coordinator.heartbeats</c>) and <see cref="ControlQueueHeartbeatConsumer"/>
/// (heartbeats that older agents still send to <c>coordinator.agents</c>).
/// </summary>
public sealed partial class HeartbeatIntake(AgentRegistry registry, AgentRegistryLoader loader, HeartbeatBook book,
    HeartbeatRefusals refusals, CoordinatorOptions options, TimeProvider time, ILogger<HeartbeatIntake> logger)
{
    public async Task TakeAsync(ConsumeContext<AgentHeartbeat> context)
    {
        var heartbeat = context.Message;
        if (string.IsNullOrWhiteSpace(heartbeat.AgentId))
        {
            if (refusals.ShouldSay(heartbeat.AgentId, heartbeat.InstanceId))
                await HeartbeatRejection.UnknownAgent(context);
            return;
        }
        var saga = registry.Saga(heartbeat.AgentId) ?? await loader.LookUpUnknownAsync(heartbeat.AgentId, context.CancellationToken);
        if (saga is not null && HeartbeatRules.Refused(saga, heartbeat) is not null)
            saga = await loader.RefreshOneAsync(heartbeat.AgentId, context.CancellationToken); // the registry may be a moment behind
        if (saga is null)
        {
            if (refusals.ShouldSay(heartbeat.AgentId, heartbeat.InstanceId))
                await HeartbeatRejection.UnknownAgent(context);
            return;
        }
        if (saga.CurrentState == AgentStates.Unregistered)
            return; // it said goodbye: a late heartbeat means nothing
        if (HeartbeatRules.Refused(saga, heartbeat) is { } reason)
        {
            if (refusals.ShouldSay(heartbeat.AgentId, heartbeat.InstanceId))
                await HeartbeatRejection.Reject(context, reason);
            return;
        }

        var (entry, latest) = book.Record(heartbeat, saga.RegisteredAt);
        if (context.SentTime is { } sent)
            book.Delayed(time.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc)));
        var (forward, heardAgain) = HeartbeatRules.Matters(saga, heartbeat.Health.Status, latest);
        if (!forward)
            return;
        // Not repeated while the first may still be on its way through the saga's queue.
        if (!book.ShouldForward(entry, heartbeat.Health.Status, heardAgain, 2 * options.HeartbeatInterval))
            return;
        LogForwarded(heartbeat.AgentId, heartbeat.Health.Status, heardAgain);
        await context.Publish(new AgentHealthReported
        {
            AgentId = heartbeat.AgentId,
            InstanceId = heartbeat.InstanceId,
            Health = entry.Health ?? heartbeat.Health,
            LastHeartbeat = entry.LastHeartbeat ?? time.GetUtcNow(),
            SentAt = entry.SentAt ?? heartbeat.Timestamp,
            HeartbeatCount = entry.Count,
            Timestamp = time.GetUtcNow(),
        }, context.CancellationToken);
    }

    [LoggerMessage(LogLevel.Debug, "Agent {AgentId} reports {Status} (heard again after silence: {HeardAgain}): told to its state machine")]
    partial void LogForwarded(string agentId, AgentHealthStatus status, bool heardAgain);
}

/// <summary>Heartbeats on <c>coordinator.heartbeats</c>, apart from the agents' commands.</summary>
public sealed class HeartbeatConsumer(HeartbeatIntake intake) : IConsumer<AgentHeartbeat>
{
    public Task Consume(ConsumeContext<AgentHeartbeat> context) => intake.TakeAsync(context);
}

/// <summary>Heartbeats sent to <c>coordinator.agents</c> by agents built before heartbeats had a queue of their own.</summary>
public sealed class ControlQueueHeartbeatConsumer(HeartbeatIntake intake) : IConsumer<AgentHeartbeat>
{
    public Task Consume(ConsumeContext<AgentHeartbeat> context) => intake.TakeAsync(context);
}
