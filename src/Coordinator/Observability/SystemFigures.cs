using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Messaging;
using Coordinator.Tasks.Placement;

namespace Coordinator.Observability;

/// <summary>
/// The system's figures over time, for /api/metrics and the dashboard: what finished when (the last 15 minutes, bounded),
/// and a sample every <see cref="SampleEvery"/> of the backlog and the slots in use. Definitions (README, "Metrics"):
/// throughput is completions in the last minute; average response time is the mean from submission to completion over
/// the last five minutes; error rate is failed attempts over finished attempts in the last five minutes; utilisation is
/// the slots in use over the slots of the live agents, now.
/// </summary>
public sealed class SystemFigures : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);
    const int MaxFinished = 200_000;

    readonly record struct Finished(DateTimeOffset At, bool Succeeded, double? ResponseSeconds);

    public sealed record Sample(DateTimeOffset At, int Backlog, int Busy, int Slots, int Completed, int Failed);

    readonly Lock _gate = new();
    readonly Queue<Finished> _finished = new();
    readonly Queue<Sample> _samples = new();
    readonly TaskPlacement _placement;
    readonly AgentRegistry _registry;
    readonly BrokerQueues _queues;
    readonly TimeProvider _time;
    DateTimeOffset _lastSample;

    public SystemFigures(TaskPlacement placement, AgentRegistry registry, BrokerQueues queues, TimeProvider time)
    {
        _placement = placement;
        _registry = registry;
        _queues = queues;
        _time = time;
        _lastSample = time.GetUtcNow();
        placement.Finished += OnFinished;
    }

    void OnFinished(FinishedAttempt attempt)
    {
        var now = _time.GetUtcNow();
        var response = attempt.Succeeded && attempt.SubmittedAt is { } submitted ? Math.Max(0, (now - submitted).TotalSeconds) : (double?)null;
        lock (_gate)
        {
            _finished.Enqueue(new Finished(now, attempt.Succeeded, response));
            Trim(now);
        }
    }

    void Trim(DateTimeOffset now)
    {
        while (_finished.Count > 0 && (_finished.Count > MaxFinished || now - _finished.Peek().At > Window))
            _finished.Dequeue();
        while (_samples.Count > 0 && now - _samples.Peek().At > Window)
            _samples.Dequeue();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleEvery, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            int? queued;
            try
            {
                queued = await _queues.DepthAsync(EntityNames.DispatchQueue, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                queued = null; // the broker blinked: this sample counts what waits here only
            }
            TakeSample(queued ?? 0);
        }
    }

    void TakeSample(int queued)
    {
        var now = _time.GetUtcNow();
        var (busy, slots) = Slots();
        lock (_gate)
        {
            var since = _lastSample;
            var completed = _finished.Count(f => f.At > since && f.Succeeded);
            var failed = _finished.Count(f => f.At > since && !f.Succeeded);
            _samples.Enqueue(new Sample(now, queued + _placement.Waiting.Count, busy, slots, completed, failed));
            _lastSample = now;
            Trim(now);
        }
    }

    (int Busy, int Slots) Slots()
    {
        var busy = 0;
        var slots = 0;
        foreach (var agent in _registry.All)
        {
            if (!AgentStates.Live.Contains(agent.State))
                continue;
            busy += _placement.LoadOf(agent.AgentId);
            slots += _placement.SlotsOf(agent);
        }
        return (busy, slots);
    }

    /// <summary>The system's figures now.</summary>
    public object Now()
    {
        var now = _time.GetUtcNow();
        var (busy, slots) = Slots();
        lock (_gate)
        {
            Trim(now);
            var lastMinute = _finished.Where(f => now - f.At <= TimeSpan.FromMinutes(1)).ToList();
            var lastFive = _finished.Where(f => now - f.At <= TimeSpan.FromMinutes(5)).ToList();
            var responses = lastFive.Where(f => f.ResponseSeconds is not null).Select(f => f.ResponseSeconds!.Value).ToList();
            return new
            {
                throughputPerMinute = lastMinute.Count(f => f.Succeeded),
                averageResponseSeconds = responses.Count == 0 ? (double?)null : Math.Round(responses.Average(), 3),
                errorRate = lastFive.Count == 0 ? 0 : Math.Round((double)lastFive.Count(f => !f.Succeeded) / lastFive.Count, 4),
                utilisation = slots == 0 ? 0 : Math.Round((double)busy / slots, 4),
                busySlots = busy,
                slots,
            };
        }
    }

    /// <summary>The samples of the last 15 minutes, oldest first: backlog, slots in use, and what finished in each.</summary>
    public IReadOnlyList<Sample> History()
    {
        lock (_gate)
        {
            Trim(_time.GetUtcNow());
            return [.. _samples];
        }
    }

    /// <summary>Failed attempts over finished ones within <paramref name="window"/>, and how many finished (for the alert rules).</summary>
    public (double Rate, int Finished) ErrorRate(TimeSpan window)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var recent = _finished.Where(f => now - f.At <= window).ToList();
            return (recent.Count == 0 ? 0 : (double)recent.Count(f => !f.Succeeded) / recent.Count, recent.Count);
        }
    }

    public override void Dispose()
    {
        _placement.Finished -= OnFinished;
        base.Dispose();
    }
}
