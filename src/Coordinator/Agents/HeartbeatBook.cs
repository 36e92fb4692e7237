using System.Collections.Concurrent;
using Coordinator.Contracts;

namespace Coordinator.Agents;

/// <summary>
/// What the agents' heartbeats say, kept in memory: when each agent was last heard (the coordinator's clock), its report
/// and how many heartbeats it sent. A heartbeat costs a dictionary update here, never a database transaction; the state
/// machine hears only of changes that matter to the state (<see cref="AgentHealthReported"/>), and the store gets the
/// figures in batches (<see cref="LivenessWriter"/>). One entry per agent instance: a new instance starts afresh.
/// </summary>
public sealed class HeartbeatBook(TimeProvider time)
{
    /// <summary>One agent instance's latest heartbeat. Read without locks: each field is a whole value.</summary>
    public sealed class Entry(Guid instanceId, DateTimeOffset since)
    {
        public Guid InstanceId { get; } = instanceId;
        /// <summary>When this entry began (the registration, or the first heartbeat this coordinator heard).</summary>
        public DateTimeOffset Since { get; } = since;
        public DateTimeOffset? LastHeartbeat { get; internal set; }
        public DateTimeOffset? SentAt { get; internal set; }
        public long Count { get; internal set; }
        public AgentHealthCheck? Health { get; internal set; }
        /// <summary>Heard since the store last got its figures.</summary>
        internal bool Dirty { get; set; }
        /// <summary>What was last forwarded to the state machine, and when (a forward is not repeated until it could have landed).</summary>
        internal (AgentHealthStatus Status, bool HeardAgain, DateTimeOffset At)? Forwarded { get; set; }
    }

    readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    long _heard;
    readonly double[] _delays = new double[4096];
    int _delayCount;
    long _delayNext;

    /// <summary>Heartbeats recorded since start (the sweep derives the consumption rate from it).</summary>
    public long Heard => Interlocked.Read(ref _heard);

    public Entry? Find(string agentId) => _entries.GetValueOrDefault(agentId);

    /// <summary>
    /// Records a heartbeat of the given (registered, current) instance, heard now. Returns the entry and whether this is
    /// the agent's latest report (an older one that arrives late still proves it alive, but never overwrites the report).
    /// </summary>
    public (Entry Entry, bool Latest) Record(AgentHeartbeat heartbeat, DateTimeOffset registeredAt)
    {
        var now = time.GetUtcNow();
        var entry = _entries.AddOrUpdate(heartbeat.AgentId,
            _ => new Entry(heartbeat.InstanceId, registeredAt),
            (_, existing) => existing.InstanceId == heartbeat.InstanceId ? existing : new Entry(heartbeat.InstanceId, registeredAt));
        Interlocked.Increment(ref _heard);
        lock (entry)
        {
            entry.Count++;
            entry.Dirty = true;
            if (entry.LastHeartbeat is not { } last || last < now)
                entry.LastHeartbeat = now;
            var sent = heartbeat.Timestamp.ToUniversalTime();
            if (entry.SentAt is { } latest && latest > sent)
                return (entry, false);
            entry.SentAt = sent;
            entry.Health = heartbeat.Health;
            return (entry, true);
        }
    }

    /// <summary>The instance registered (again): silence is measured from its registration, with no history.</summary>
    public void Registered(string agentId, Guid instanceId, DateTimeOffset registeredAt)
    {
        if (_entries.TryGetValue(agentId, out var entry) && entry.InstanceId == instanceId && entry.Since >= registeredAt)
            return;
        _entries[agentId] = new Entry(instanceId, registeredAt);
    }

    public void Forget(string agentId) => _entries.TryRemove(agentId, out _);

    /// <summary>How long a heartbeat took from its sender to this book (sender's clock against ours: the same clock only when NTP keeps them so).</summary>
    public void Delayed(TimeSpan delay)
    {
        lock (_delays)
        {
            _delays[_delayNext++ % _delays.Length] = Math.Max(0, delay.TotalMilliseconds);
            _delayCount = Math.Min(_delayCount + 1, _delays.Length);
        }
    }

    /// <summary>Percentiles of the last 4,096 heartbeats' delays, in milliseconds.</summary>
    public (double P50, double P99, double Max, int Samples) Delays()
    {
        double[] sorted;
        lock (_delays)
            sorted = _delays[.._delayCount];
        if (sorted.Length == 0)
            return (0, 0, 0, 0);
        Array.Sort(sorted);
        double At(double q) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 1);
        return (At(0.50), At(0.99), Math.Round(sorted[^1], 1), sorted.Length);
    }

    /// <summary>
    /// Whether a heartbeat should be forwarded to the state machine: it changes the reported status the saga holds, or
    /// the saga has the agent silent. Remembered, so the same forward is not sent again while it may still be on its way.
    /// </summary>
    public bool ShouldForward(Entry entry, AgentHealthStatus status, bool heardAgain, TimeSpan landWithin)
    {
        var now = time.GetUtcNow();
        lock (entry)
        {
            if (entry.Forwarded is { } last && last.Status == status && last.HeardAgain == heardAgain && now - last.At < landWithin)
                return false;
            entry.Forwarded = (status, heardAgain, now);
            return true;
        }
    }

    /// <summary>The entries heard from since the last call (for the store), marked clean.</summary>
    public List<(string AgentId, Entry Entry)> TakeDirty()
    {
        var dirty = new List<(string, Entry)>();
        foreach (var (agentId, entry) in _entries)
        {
            lock (entry)
            {
                if (!entry.Dirty)
                    continue;
                entry.Dirty = false;
            }
            dirty.Add((agentId, entry));
        }
        return dirty;
    }
}
