using Coordinator.Agents;

namespace Coordinator.Health;

/// <summary>
/// What failure detection did and how far behind it is, for /api/metrics: verdicts sent (each once per transition) and
/// held back, the last sweep's size and duration, the last liveness batch written, the heartbeat backlog, and how long heartbeats took from the agent to
/// the registry.
/// </summary>
public sealed class HealthFigures(HeartbeatBook heartbeats, HeartbeatBacklog backlog, IServiceProvider services)
{
    readonly Lock _gate = new();
    readonly Dictionary<string, long> _verdicts = new(StringComparer.Ordinal);
    long _heldBack;
    int _lastLive;
    int _lastProbes;
    double _lastSweepMs;
    double _maxSweepMs;

    public void VerdictSent(string kind)
    {
        lock (_gate)
            _verdicts[kind] = _verdicts.GetValueOrDefault(kind) + 1;
    }

    public void VerdictHeldBack() => Interlocked.Increment(ref _heldBack);

    public void Swept(int live, int probes, TimeSpan took)
    {
        lock (_gate)
        {
            _lastLive = live;
            _lastProbes = probes;
            _lastSweepMs = took.TotalMilliseconds;
            _maxSweepMs = Math.Max(_maxSweepMs, _lastSweepMs);
        }
    }

    /// <summary>How far behind the heartbeats the coordinator is, in seconds.</summary>
    public double LagSeconds => backlog.Lag.TotalSeconds;

    public object Snapshot()
    {
        var waiting = backlog;
        var delay = heartbeats.Delays();
        var liveness = services.GetService<LivenessWriter>()?.LastBatch;
        lock (_gate)
        {
            return new
            {
                heartbeatsHeard = heartbeats.Heard,
                heardPerSecond = Math.Round(waiting.HeardPerSecond, 1),
                backlog = waiting.Waiting,
                lagSeconds = Math.Round(waiting.Lag.TotalSeconds, 3),
                behind = waiting.Behind,
                behindSince = waiting.BehindSince,
                heartbeatDelayMs = new { p50 = delay.P50, p99 = delay.P99, max = delay.Max, samples = delay.Samples },
                verdicts = new Dictionary<string, long>(_verdicts),
                verdictsHeldBack = Interlocked.Read(ref _heldBack),
                lastLivenessWrite = liveness is { } batch ? new { agents = batch.Agents, ms = Math.Round(batch.Took.TotalMilliseconds, 1) } : null,
                lastSweep = new { liveAgents = _lastLive, probes = _lastProbes, ms = Math.Round(_lastSweepMs, 1), maxMs = Math.Round(_maxSweepMs, 1) },
            };
        }
    }
}
