using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Messaging;

namespace Coordinator.Health;

/// <summary>
/// How far behind this coordinator is in taking heartbeats: the messages waiting in <c>coordinator.heartbeats</c> (and
/// <c>coordinator.agents</c>, where older agents send theirs) against the rate at which it takes them. Measured once per
/// health sweep; the sweep judges silence net of it, so a coordinator that falls behind never fails an agent for the
/// silence it caused. When it is behind it says so: a log line when that starts and ends, and /api/metrics.
/// </summary>
public sealed partial class HeartbeatBacklog(QueueConsumerProbe probe, HeartbeatBook book, DetectionOptions detection, CoordinatorOptions options,
    TimeProvider time, ILogger<HeartbeatBacklog> logger)
{
    long _lastHeard = -1;
    DateTimeOffset _lastAt;
    DateTimeOffset _progressAt;
    double _rate;

    /// <summary>Messages waiting in the two queues at the last measurement.</summary>
    public int Waiting { get; private set; }

    /// <summary>The time the waiting heartbeats will take to be taken: silence within it may be this coordinator's own.</summary>
    public TimeSpan Lag { get; private set; }

    /// <summary>Heartbeats taken per second, smoothed.</summary>
    public double HeardPerSecond => _rate;

    /// <summary>Behind by more than half a heartbeat interval.</summary>
    public bool Behind { get; private set; }

    public DateTimeOffset? BehindSince { get; private set; }

    public async Task<TimeSpan> MeasureAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var heard = book.Heard;
        if (_lastHeard >= 0 && now > _lastAt)
        {
            var rate = (heard - _lastHeard) / (now - _lastAt).TotalSeconds;
            _rate = _rate == 0 ? rate : 0.7 * _rate + 0.3 * rate;
        }
        if (heard != _lastHeard)
            _progressAt = now;
        _lastHeard = heard;
        _lastAt = now;
        if (!detection.ProbeBacklog)
            return Lag = TimeSpan.Zero;

        var heartbeats = await probe.InspectAsync(EntityNames.Heartbeats, cancellationToken);
        var control = await probe.InspectAsync(EntityNames.AgentControl, cancellationToken);
        if (heartbeats is null || control is null)
            return Lag; // the broker did not answer: the last figure stands
        Waiting = heartbeats.Messages + control.Messages;
        Lag = Waiting == 0 ? TimeSpan.Zero
            : _rate > 0 ? TimeSpan.FromSeconds(Waiting / _rate)
            : now - _progressAt; // nothing taken lately: everything since then may be waiting
        var behind = Lag > options.HeartbeatInterval / 2;
        if (behind && !Behind)
        {
            BehindSince = now;
            LogBehind(Waiting, Lag.TotalSeconds);
        }
        else if (!behind && Behind && BehindSince is { } since)
        {
            LogCaughtUp((now - since).TotalSeconds);
            BehindSince = null;
        }
        Behind = behind;
        return Lag;
    }

    [LoggerMessage(LogLevel.Warning,
        "Coordinator behind on heartbeats: {Waiting} messages wait in its agent queues, about {LagSeconds:0.0} s of work; silence is judged net of it, no agent is failed for it")]
    partial void LogBehind(int waiting, double lagSeconds);

    [LoggerMessage(LogLevel.Information, "Coordinator caught up on heartbeats after {Seconds:0.0} s")]
    partial void LogCaughtUp(double seconds);
}
