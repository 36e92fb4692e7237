namespace Coordinator.Tasks.Recovery;

/// <summary>Failure detection and recovery figures for /api/metrics (and, as histograms, for /metrics).</summary>
public sealed class RecoveryMetrics
{
    /// <summary>A failure verdict, with how long after the agent's last heartbeat it came.</summary>
    public event Action<TimeSpan>? DetectionObserved;

    /// <summary>A failed agent's work back in dispatch, with how long after its last heartbeat (the time to recover).</summary>
    public event Action<TimeSpan>? RecoveryObserved;

    readonly Lock _gate = new();
    readonly List<double> _detectionSeconds = [];
    readonly List<double> _recoverySeconds = [];
    long _failures;
    long _falseAlarms;
    long _missed;
    long _reassigned;

    /// <summary>An agent declared failed: how long after its last heartbeat.</summary>
    public void Detected(TimeSpan sinceLastHeartbeat)
    {
        lock (_gate)
        {
            _failures++;
            Keep(_detectionSeconds, sinceLastHeartbeat.TotalSeconds);
        }
        DetectionObserved?.Invoke(sinceLastHeartbeat);
    }

    /// <summary>Its work was handed back to the dispatcher: how long after the last heartbeat.</summary>
    public void Recovered(TimeSpan sinceLastHeartbeat, int tasks)
    {
        lock (_gate)
        {
            _reassigned += tasks;
            Keep(_recoverySeconds, sinceLastHeartbeat.TotalSeconds);
        }
        RecoveryObserved?.Invoke(sinceLastHeartbeat);
    }

    /// <summary>An agent's instance died without a verdict: a new one took its id over first (the detector missed it).</summary>
    public void Missed()
    {
        lock (_gate)
            _missed++;
    }

    /// <summary>A failed agent's same instance came back: it was alive after all (a false positive).</summary>
    public void FalseAlarm()
    {
        lock (_gate)
            _falseAlarms++;
    }

    /// <summary>Failure verdicts so far, and how many of them were false (the agent was alive).</summary>
    public (long Failures, long FalseAlarms, long Missed) Counts()
    {
        lock (_gate)
            return (_failures, _falseAlarms, _missed);
    }

    /// <summary>Of the failure verdicts, the share that were real (the same instance did not come back); null before any.</summary>
    public static double? Precision(long failures, long falseAlarms) => failures == 0 ? null : (double)(failures - falseAlarms) / failures;

    /// <summary>Of the real failures, the share the detector caught (a miss: a new instance took the id over first); null before any.</summary>
    public static double? Recall(long failures, long falseAlarms, long missed) =>
        failures - falseAlarms + missed == 0 ? null : (double)(failures - falseAlarms) / (failures - falseAlarms + missed);

    static void Keep(List<double> values, double value)
    {
        values.Add(value);
        if (values.Count > 1000)
            values.RemoveAt(0);
    }

    public object Snapshot()
    {
        lock (_gate)
        {
            return new
            {
                failuresDetected = _failures,
                falsePositives = _falseAlarms,
                missedFailures = _missed,
                detectionPrecision = Precision(_failures, _falseAlarms) is { } precision ? Math.Round(precision, 4) : (double?)null,
                detectionRecall = Recall(_failures, _falseAlarms, _missed) is { } recall ? Math.Round(recall, 4) : (double?)null,
                tasksReassigned = _reassigned,
                detectionSeconds = Summary(_detectionSeconds),
                timeToRecoverSeconds = Summary(_recoverySeconds),
            };
        }
    }

    static object? Summary(List<double> values)
    {
        if (values.Count == 0)
            return null;
        var sorted = values.Order().ToList();
        return new { count = sorted.Count, median = Math.Round(sorted[sorted.Count / 2], 3), max = Math.Round(sorted[^1], 3), last = Math.Round(values[^1], 3) };
    }
}
