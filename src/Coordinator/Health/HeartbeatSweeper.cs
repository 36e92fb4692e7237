using Coordinator.Agents;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Health;

/// <summary>
/// One pass of heartbeat-timeout detection. Silence is counted in heartbeat intervals since the later
/// of the agent's last heartbeat and this coordinator's start (so a restart does not fail agents that
/// simply could not reach a stopped coordinator, or while the broker was away: no verdicts are made while
/// this coordinator's own bus is down, and every agent gets a full window once it is back). At UnhealthyThreshold misses the agent is reported
/// unhealthy; at FailureThreshold, failed. Also refreshes the in-memory registry.
/// </summary>
public sealed partial class HeartbeatSweeper(
    AgentRegistryLoader loader,
    IBus publisher,
    IBusControl bus,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<HeartbeatSweeper> logger)
{
    /// <summary>Silence counts from here at the earliest: when this coordinator's bus last became fully connected.</summary>
    DateTimeOffset _listeningSince = time.GetUtcNow();
    /// <summary>Null until the first sweep has looked.</summary>
    bool? _connected;
    DateTimeOffset? _lostAt;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var agents = await loader.RefreshAsync(cancellationToken);

        var now = time.GetUtcNow();
        if (!BrokerReachable(now))
            return 0;
        var verdicts = 0;
        foreach (var agent in agents.Where(a => AgentStates.Live.Contains(a.CurrentState)))
        {
            var lastSeen = Max(agent.LastHeartbeat ?? agent.RegisteredAt, _listeningSince);
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

    /// <summary>
    /// While this coordinator's bus is not fully connected (the broker is away, or it is still reconnecting) heartbeats
    /// cannot reach it: no verdicts then, and a fresh window once every endpoint is consuming again.
    /// </summary>
    bool BrokerReachable(DateTimeOffset now)
    {
        var health = bus.CheckHealth();
        if (health.Status != BusHealthStatus.Healthy)
        {
            if (_connected == true)
            {
                LogBrokerLost(health.Description);
                _lostAt = now;
            }
            _connected = false;
            return false;
        }
        if (_connected == false)
        {
            if (_lostAt is { } lost)
                LogBrokerBack((now - lost).TotalSeconds);
            _connected = true;
            _listeningSince = now;
        }
        return true;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Bus not connected ({Description}): no heartbeat verdicts until it is back")]
    partial void LogBrokerLost(string description);

    [LoggerMessage(LogLevel.Information, "Bus connected again after {Seconds:0.0} s: every agent gets a full heartbeat window from now")]
    partial void LogBrokerBack(double seconds);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} missed {MissedHeartbeats} heartbeats: unhealthy")]
    partial void LogMissed(string agentId, int missedHeartbeats);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} missed {MissedHeartbeats} heartbeats ({SilentSeconds:0.0} s): failed")]
    partial void LogFailed(string agentId, int missedHeartbeats, double silentSeconds);
}
