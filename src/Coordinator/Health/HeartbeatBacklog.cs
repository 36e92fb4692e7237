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
        Lag = LagOf(Waiting, _rate, now - _progressAt);
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

    /// <summary>
    /// The time <paramref name="waiting"/> heartbeats take at <paramref name="rate"/> a second. A rate that has decayed to
    /// next to nothing means the queues are not draining (a stalled consumer, a broker node that came back): then the
    /// time since the last heartbeat taken is the honest figure, everything since may be waiting. Never more than
    /// <see cref="MaxLag"/>, where the division by a tiny rate used to overflow <see cref="TimeSpan"/> and stop the sweep.
    /// </summary>
    public static TimeSpan LagOf(int waiting, double rate, TimeSpan sinceProgress)
    {
        if (waiting <= 0)
            return TimeSpan.Zero;
        var seconds = rate >= MinDrainRate ? waiting / rate : sinceProgress.TotalSeconds;
        return double.IsFinite(seconds) ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, MaxLag.TotalSeconds)) : MaxLag;
    }

    /// <summary>Below one heartbeat taken in a hundred seconds the queues count as not draining.</summary>
    const double MinDrainRate = 0.01;

    /// <summary>The most lag the sweep ever allows for: a day.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromDays(1);

    [LoggerMessage(LogLevel.Warning,
        "Coordinator behind on heartbeats: {Waiting} messages wait in its agent queues, about {LagSeconds:0.0} s of work; silence is judged net of it, no agent is failed for it")]
    partial void LogBehind(int waiting, double lagSeconds);

    [LoggerMessage(LogLevel.Information, "Coordinator caught up on heartbeats after {Seconds:0.0} s")]
    partial void LogCaughtUp(double seconds);
}
