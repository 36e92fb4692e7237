using Coordinator.Agents;
using Coordinator.Tasks.Recovery;
using Coordinator.Contracts;
using Coordinator.Messaging;
using MassTransit;

namespace Coordinator.Health;

/// <summary>
/// One pass of failure and condition detection over the live agents, from memory: the registry (each agent's saga as last
/// loaded) and the <see cref="HeartbeatBook"/> (what its heartbeats said). An agent is failed, whichever comes first, when:
/// <list type="bullet">
/// <item>its queue has no consumer (its process or its connection is gone) and it has been silent for
/// Detection:ConsumerLossHeartbeats intervals;</item>
/// <item>phi-accrual suspicion over its own heartbeat history reaches Detection:PhiThreshold, after at
/// least Detection:EarliestFailureHeartbeats intervals of silence;</item>
/// <item>it has missed FailureThreshold heartbeats (UnhealthyThreshold makes it Unhealthy first).</item>
/// </list>
/// Silence is measured from the later of its last heartbeat and the moment this coordinator's bus became connected (so
/// neither a coordinator restart nor a broker outage fails agents that could not be heard), net of the heartbeats still
/// waiting in this coordinator's queues (<see cref="HeartbeatBacklog"/>: it never fails an agent for its own lag).
/// Otherwise the coordinator's own verdict on its condition (resources near its declared limits, latency or errors off
/// its baseline, no consumer while it still heartbeats) is published when it changes. Each verdict is sent once per
/// transition, and a sweep's work is bounded: probes and verdicts per sweep have ceilings, the rest waits a sweep.
/// </summary>
public sealed partial class HeartbeatSweeper(
    AgentRegistry registry,
    AgentRegistryLoader loader,
    HeartbeatBook heartbeats,
    HeartbeatBacklog backlog,
    IBus publisher,
    IBusControl bus,
    CoordinatorOptions options,
    DetectionOptions detection,
    QueueConsumerProbe probe,
    PerformanceBaselines performance,
    AgentRecovery recovery,
    AssignmentWatchdog watchdog,
    HealthFigures figures,
    TimeProvider time,
    ILogger<HeartbeatSweeper> logger)
{
    /// <summary>Silence counts from here at the earliest: when this coordinator's bus last became fully connected.</summary>
    DateTimeOffset _listeningSince = time.GetUtcNow();
    /// <summary>Null until the first sweep has looked.</summary>
    bool? _connected;
    DateTimeOffset? _lostAt;
    /// <summary>A bus merely Degraded (one endpoint faulted while the broker answers) pauses verdicts only this long.</summary>
    static readonly TimeSpan MaxDegradedPause = TimeSpan.FromSeconds(60);
    bool _judgingWhileDegraded;

    /// <summary>A verdict sent: what it was and the last heartbeat it rested on (a heartbeat since makes it moot).</summary>
    sealed record SentVerdict(string Kind, DateTimeOffset LastSeen, DateTimeOffset At);

    /// <summary>What the sweep remembers of one agent instance.</summary>
    sealed class Watch(Guid instanceId, HeartbeatHistory history)
    {
        public Guid InstanceId { get; } = instanceId;
        public HeartbeatHistory History { get; } = history;
        public DateTimeOffset? ConsumerMissingSince { get; set; }
        public (AgentHealthStatus Status, DateTimeOffset At)? LastPublished { get; set; }
        public SentVerdict? Verdict { get; set; }
    }

    readonly Dictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    DateTimeOffset _keptQueuesCheckedAt;
    static readonly TimeSpan KeptQueuesEvery = TimeSpan.FromSeconds(5);
    int _routineProbeCursor;

    /// <summary>This coordinator has just become the owner: every agent's silence counts from now (a takeover fails none).</summary>
    public void ListenFromNow() => _listeningSince = time.GetUtcNow();

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (registry.LoadedAt is not { } loaded || time.GetUtcNow() - loaded >= detection.RegistryReloadInterval)
            await loader.RefreshAsync(cancellationToken);
        else
            registry.Rebuild();

        var now = time.GetUtcNow();
        if (!BrokerReachable(now))
            return 0;
        var lag = await backlog.MeasureAsync(cancellationToken);
        var live = registry.Sagas.Where(a => AgentStates.Live.Contains(a.CurrentState)).OrderBy(a => a.AgentId, StringComparer.Ordinal).ToList();
        foreach (var gone in _watches.Keys.Except(live.Select(a => a.AgentId)).ToList())
        {
            _watches.Remove(gone);
            performance.Forget(gone); // failed or gone: a registration brings it back without history
        }

        // Who is heard from lately and who is silent, net of this coordinator's own backlog.
        var judged = new List<(AgentState Agent, Watch Watch, DateTimeOffset LastSeen, TimeSpan Silence, double Missed)>(live.Count);
        foreach (var agent in live)
        {
            var watch = WatchOf(agent);
            var heard = heartbeats.Find(agent.AgentId) is { } entry && entry.InstanceId == agent.InstanceId ? entry : null;
            var lastHeartbeat = Latest(heard?.LastHeartbeat, agent.LastHeartbeat) ?? agent.RegisteredAt;
            watch.History.Observe(Math.Max(heard?.Count ?? 0, agent.HeartbeatCount), lastHeartbeat);
            var lastSeen = Max(Max(lastHeartbeat, agent.RegisteredAt), _listeningSince);
            var silence = now - lastSeen - lag;
            if (silence < TimeSpan.Zero)
                silence = TimeSpan.Zero;
            judged.Add((agent, watch, lastSeen, silence, silence / options.HeartbeatInterval));
        }

        var consumers = await ProbeAsync(judged.Select(j => (j.Agent.AgentId, j.Missed)).ToList(), cancellationToken);
        var verdicts = 0;
        var deferred = 0;
        foreach (var (agent, watch, lastSeen, silence, missed) in judged)
        {
            if (verdicts >= detection.MaxVerdictsPerSweep)
            {
                deferred++;
                continue;
            }
            int? queueConsumers = consumers.TryGetValue(agent.AgentId, out var counted) ? counted : null;
            if (queueConsumers is { } c)
                watch.ConsumerMissingSince = c == 0 ? watch.ConsumerMissingSince ?? now : null;
            if ((FailureReason(watch, silence, missed, queueConsumers, agent.AgentId) ?? DeafReason(watch, now, agent.AgentId)) is { } failure)
            {
                if (!ShouldSend(watch, "failed", lastSeen, now))
                    continue;
                LogFailed(agent.AgentId, failure);
                await publisher.Publish(new AgentFailureDetected
                {
                    AgentId = agent.AgentId,
                    Reason = failure,
                    LastHeartbeat = Latest(heartbeats.Find(agent.AgentId)?.LastHeartbeat, agent.LastHeartbeat),
                    Timestamp = now,
                }, cancellationToken);
                figures.VerdictSent("failed");
                verdicts++;
                continue;
            }
            if (missed >= options.UnhealthyThreshold)
            {
                if (agent.CurrentState == AgentStates.Unhealthy)
                    continue;
                if (!ShouldSend(watch, "unhealthy", lastSeen, now))
                    continue;
                LogMissed(agent.AgentId, (int)missed);
                await publisher.Publish(new AgentHeartbeatMissed
                {
                    AgentId = agent.AgentId,
                    MissedHeartbeats = (int)missed,
                    LastHeartbeat = Latest(heartbeats.Find(agent.AgentId)?.LastHeartbeat, agent.LastHeartbeat),
                    Timestamp = now,
                }, cancellationToken);
                figures.VerdictSent("unhealthy");
                verdicts++;
                continue;
            }
            if (await AssessAsync(agent, watch, now, cancellationToken))
            {
                figures.VerdictSent("assessed");
                verdicts++;
            }
        }
        if (deferred > 0)
            LogDeferred(deferred, detection.MaxVerdictsPerSweep);
        verdicts += await watchdog.CheckAsync(_listeningSince, cancellationToken);
        if (now - _keptQueuesCheckedAt >= KeptQueuesEvery)
        {
            _keptQueuesCheckedAt = now;
            await recovery.RetryKeptQueuesAsync(live.Select(a => a.AgentId).ToHashSet(StringComparer.Ordinal), publisher, cancellationToken);
        }
        figures.Swept(live.Count, consumers.Count, time.GetElapsedTime(started));
        return verdicts;
    }

    /// <summary>
    /// Once per transition: a verdict of this kind resting on the same last heartbeat is not sent again, unless the state
    /// machine has not taken it after Detection:VerdictResendAfter (a lost message).
    /// </summary>
    bool ShouldSend(Watch watch, string kind, DateTimeOffset lastSeen, DateTimeOffset now)
    {
        if (watch.Verdict is { } sent && sent.Kind == kind && sent.LastSeen == lastSeen && now - sent.At < detection.VerdictResendAfter)
        {
            figures.VerdictHeldBack();
            return false;
        }
        watch.Verdict = new SentVerdict(kind, lastSeen, now);
        return true;
    }

    /// <summary>
    /// Consumer counts of the agents worth asking about: every silent one (missed at least one interval), up to
    /// Detection:MaxSuspectProbes, and Detection:RoutineProbes of the others in turn. One passive declare each.
    /// </summary>
    async Task<Dictionary<string, int>> ProbeAsync(List<(string AgentId, double Missed)> agents, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!detection.ProbeConsumers || agents.Count == 0)
            return counts;
        var suspects = agents.Where(a => a.Missed >= 1).OrderByDescending(a => a.Missed).Take(detection.MaxSuspectProbes).Select(a => a.AgentId).ToList();
        var others = agents.Where(a => a.Missed < 1).Select(a => a.AgentId).ToList();
        var routine = new List<string>();
        for (var i = 0; i < Math.Min(detection.RoutineProbes, others.Count); i++)
            routine.Add(others[(_routineProbeCursor + i) % others.Count]);
        _routineProbeCursor = others.Count == 0 ? 0 : (_routineProbeCursor + routine.Count) % others.Count;
        foreach (var agentId in suspects.Concat(routine))
        {
            if (await probe.ConsumersAsync(EntityNames.AgentQueue(agentId), cancellationToken) is not { } consumers)
                break; // the broker did not answer: no more probes this sweep (each may take its timeout)
            counts[agentId] = consumers;
        }
        return counts;
    }

    Watch WatchOf(AgentState agent)
    {
        if (_watches.TryGetValue(agent.AgentId, out var watch) && watch.InstanceId == agent.InstanceId)
            return watch;
        if (watch is not null)
            performance.Forget(agent.AgentId); // a new instance starts without history
        return _watches[agent.AgentId] = new Watch(agent.InstanceId, new HeartbeatHistory(detection.PhiWindow, detection.PhiMinStdDeviation));
    }

    string? FailureReason(Watch watch, TimeSpan silence, double missed, int? consumers, string agentId)
    {
        if (missed >= options.FailureThreshold)
            return $"missed {(int)missed} heartbeats (silent for {silence.TotalSeconds:0.0} s)";
        if (consumers == 0 && missed >= detection.ConsumerLossHeartbeats)
            return $"no consumer on {EntityNames.AgentQueue(agentId)} and silent for {silence.TotalSeconds:0.0} s: its process or connection is gone";
        var phi = watch.History.Phi(silence);
        if (missed >= detection.EarliestFailureHeartbeats && phi >= detection.PhiThreshold)
            return $"phi {Math.Min(phi, 99):0.0} after {silence.TotalSeconds:0.0} s of silence (over {watch.History.Samples} heartbeat intervals)";
        return null;
    }

    /// <summary>Heartbeating, yet no consumer on its queue for DeafFailureHeartbeats intervals: it has not come back by itself.</summary>
    string? DeafReason(Watch watch, DateTimeOffset now, string agentId) =>
        watch.ConsumerMissingSince is { } since && now - since >= detection.DeafFailureHeartbeats * options.HeartbeatInterval
            ? $"no consumer on {EntityNames.AgentQueue(agentId)} for {(now - since).TotalSeconds:0.0} s while it still heartbeats: it cannot receive work"
            : null;

    /// <summary>Publishes the coordinator's verdict on the agent's condition when it differs from what its saga holds.</summary>
    async Task<bool> AssessAsync(AgentState agent, Watch watch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var findings = new List<(AgentHealthStatus Status, string Reason)>();
        var usage = registry.Find(agent.AgentId)?.Health.Usage ?? new ResourceUsage { MemoryMb = agent.MemoryUsedMb, DiskMb = agent.DiskUsedMb };

        if (watch.ConsumerMissingSince is { } missingSince && now - missingSince >= 2 * options.HeartbeatInterval)
            findings.Add((AgentHealthStatus.Unhealthy, $"no consumer on {EntityNames.AgentQueue(agent.AgentId)} for {(now - missingSince).TotalSeconds:0.0} s: it cannot receive work"));
        if (ResourceFinding("memory", usage.MemoryMb, agent.MemoryMb) is { } memory)
            findings.Add(memory);
        if (ResourceFinding("disk", usage.DiskMb, agent.DiskMb) is { } disk)
            findings.Add(disk);
        if (performance.Assess(agent.AgentId) is { Status: not AgentHealthStatus.Healthy } slow)
            findings.Add(slow);

        var status = findings.Count == 0 ? AgentHealthStatus.Healthy : findings.Max(f => f.Status);
        var held = AgentStateMachine.StatusOf(agent.AssessedStatus);
        if (status == held || watch.LastPublished is { } last && last.Status == status && now - last.At < 2 * options.HeartbeatInterval)
            return false;

        var reason = string.Join("; ", findings.Where(f => f.Status == status).Select(f => f.Reason));
        LogAssessed(agent.AgentId, status, reason);
        watch.LastPublished = (status, now);
        await publisher.Publish(new AgentHealthAssessed { AgentId = agent.AgentId, Status = status, Reason = reason, Timestamp = now }, cancellationToken);
        return true;
    }

    (AgentHealthStatus, string)? ResourceFinding(string resource, long usedMb, long declaredMb)
    {
        if (declaredMb <= 0)
            return null;
        var share = (double)usedMb / declaredMb;
        var status = share >= detection.ResourceUnhealthyRatio ? AgentHealthStatus.Unhealthy
            : share >= detection.ResourceDegradedRatio ? AgentHealthStatus.Degraded
            : AgentHealthStatus.Healthy;
        return status == AgentHealthStatus.Healthy ? null : (status, $"{resource} {usedMb} of {declaredMb} MB ({share * 100:0}%)");
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
            // Degraded for long with the broker answering is a faulted endpoint, not an outage: judge agents again.
            var degradedTooLong = health.Status == BusHealthStatus.Degraded && _lostAt is { } since && now - since > MaxDegradedPause;
            if (!degradedTooLong)
                return false;
            if (!_judgingWhileDegraded)
                LogDegradedTooLong(health.Description);
            _judgingWhileDegraded = true;
            return true;
        }
        _judgingWhileDegraded = false;
        if (_connected == false)
        {
            if (_lostAt is { } lost)
                LogBrokerBack((now - lost).TotalSeconds);
            _listeningSince = now;
            // Intervals measured across the outage would teach phi that long silences are normal.
            _watches.Clear();
        }
        _connected = true;
        return true;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Bus not connected ({Description}): no heartbeat verdicts until it is back")]
    partial void LogBrokerLost(string description);

    [LoggerMessage(LogLevel.Warning, "Bus still degraded after a minute ({Description}): a faulted endpoint rather than an outage, so agents are judged again")]
    partial void LogDegradedTooLong(string description);

    [LoggerMessage(LogLevel.Information, "Bus connected again after {Seconds:0.0} s: every agent gets a full heartbeat window from now")]
    partial void LogBrokerBack(double seconds);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} missed {MissedHeartbeats} heartbeats: unhealthy")]
    partial void LogMissed(string agentId, int missedHeartbeats);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} failed: {Reason}")]
    partial void LogFailed(string agentId, string reason);

    [LoggerMessage(LogLevel.Warning, "{Deferred} verdicts wait for the next sweep (at most {Limit} a sweep)")]
    partial void LogDeferred(int deferred, int limit);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} assessed {Status} by the coordinator: {Reason}")]
    partial void LogAssessed(string agentId, AgentHealthStatus status, string reason);
}
