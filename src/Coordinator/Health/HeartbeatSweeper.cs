using Coordinator.Agents;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Health;

/// <summary>
/// One pass of heartbeat-timeout detection. Silence is counted in heartbeat intervals since the later
/// of the agent's last heartbeat and this coordinator's start (so a restart does not fail agents that
/// simply could not reach a stopped coordinator). At UnhealthyThreshold misses the agent is reported
/// unhealthy; at FailureThreshold, failed. Also refreshes the in-memory registry.
/// </summary>
public sealed partial class HeartbeatSweeper(
    AgentRegistryLoader loader,
    IBus publisher,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<HeartbeatSweeper> logger)
{
    readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var agents = await loader.RefreshAsync(cancellationToken);

        var now = time.GetUtcNow();
        var verdicts = 0;
        foreach (var agent in agents.Where(a => AgentStates.Live.Contains(a.CurrentState)))
        {
            var lastSeen = Max(agent.LastHeartbeat ?? agent.RegisteredAt, _startedAt);
            var missed = (int)Math.Floor((now - lastSeen) / options.HeartbeatInterval);
            if (missed >= options.FailureThreshold)
            {
                LogFailed(agent.AgentId, missed, (now - lastSeen).TotalSeconds);
                await publisher.Publish(new AgentFailureDetected
                {
                    AgentId = agent.AgentId,
                    Reason = $"missed {missed} heartbeats (silent for {(now - lastSeen).TotalSeconds:0.0} s)",
                    LastHeartbeat = agent.LastHeartbeat,
                    Timestamp = now,
                }, cancellationToken);
                verdicts++;
            }
            else if (missed >= options.UnhealthyThreshold && agent.CurrentState != AgentStates.Unhealthy)
            {
                LogMissed(agent.AgentId, missed);
                await publisher.Publish(new AgentHeartbeatMissed
                {
                    AgentId = agent.AgentId,
                    MissedHeartbeats = missed,
                    LastHeartbeat = agent.LastHeartbeat,
                    Timestamp = now,
                }, cancellationToken);
                verdicts++;
            }
        }
        return verdicts;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} missed {MissedHeartbeats} heartbeats: unhealthy")]
    partial void LogMissed(string agentId, int missedHeartbeats);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} missed {MissedHeartbeats} heartbeats ({SilentSeconds:0.0} s): failed")]
    partial void LogFailed(string agentId, int missedHeartbeats, double silentSeconds);
}
