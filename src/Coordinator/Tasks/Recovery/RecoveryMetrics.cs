namespace Coordinator.Tasks.Recovery;

/// <summary>Failure detection and recovery figures for /api/metrics.</summary>
public sealed class RecoveryMetrics
{
    readonly Lock _gate = new();
    readonly List<double> _detectionSeconds = [];
    readonly List<double> _recoverySeconds = [];
    long _failures;
    long _falseAlarms;
    long _reassigned;

    /// <summary>An agent declared failed: how long after its last heartbeat.</summary>
    public void Detected(TimeSpan sinceLastHeartbeat)
    {
        lock (_gate)
        {
            _failures++;
            Keep(_detectionSeconds, sinceLastHeartbeat.TotalSeconds);
        }
    }

    /// <summary>Its work was handed back to the dispatcher: how long after the last heartbeat.</summary>
    public void Recovered(TimeSpan sinceLastHeartbeat, int tasks)
    {
        lock (_gate)
        {
            _reassigned += tasks;
            Keep(_recoverySeconds, sinceLastHeartbeat.TotalSeconds);
        }
    }

    /// <summary>A failed agent's same instance came back: it was alive after all (a false positive).</summary>
    public void FalseAlarm()
    {
        lock (_gate)
            _falseAlarms++;
    }

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
