namespace Coordinator.Testing.Fleet;

/// <summary>One simulated agent's identity and what the simulator knows of it; changed only by its <see cref="FleetSimulator"/>.</summary>
public sealed class SimulatedAgent(string agentId, int index)
{
    long _lastHeartbeatTicks;
    long _heartbeats;
    int _active;

    public string AgentId { get; } = agentId;
    public int Index { get; } = index;
    public Guid InstanceId { get; internal set; } = Guid.NewGuid();

    /// <summary>The state the coordinator last announced for it (AgentStateChanged), or null before any.</summary>
    public string? State { get; internal set; }

    /// <summary>When it stopped heartbeating (killed or silenced); null while it heartbeats.</summary>
    public DateTimeOffset? StoppedAt { get; internal set; }

    /// <summary>Killed: its consumer is gone too, as when a process dies.</summary>
    public bool Killed { get; internal set; }

    public bool Heartbeating => StoppedAt is null && State is not null;

    public DateTimeOffset? LastHeartbeatSent => Interlocked.Read(ref _lastHeartbeatTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public long HeartbeatsSent => Interlocked.Read(ref _heartbeats);

    public int ActiveTasks => Volatile.Read(ref _active);

    internal DateTimeOffset NextHeartbeat { get; set; }
    internal DateTimeOffset LastRegistration { get; set; }

    internal void HeartbeatSent(DateTimeOffset at)
    {
        Interlocked.Exchange(ref _lastHeartbeatTicks, at.UtcTicks);
        Interlocked.Increment(ref _heartbeats);
    }

    internal void TaskBegan() => Interlocked.Increment(ref _active);
    internal void TaskEnded() => Interlocked.Decrement(ref _active);
}
