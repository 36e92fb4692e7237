namespace Coordinator.Health;

/// <summary>
/// One agent's heartbeat arrivals, for a phi-accrual failure detector (Hayashibara et al., as Akka and
/// Cassandra use): phi = -log10 of the probability, under a normal fit of the intervals seen so far, that
/// a heartbeat still arrives after the silence observed now. Fed from what the saga store shows at each
/// sweep: the heartbeat count and the arrival time of the latest one.
/// </summary>
public sealed class HeartbeatHistory(int window, TimeSpan minStdDeviation)
{
    readonly Queue<double> _intervalsMs = new();
    double _sum;
    double _sumOfSquares;
    long _lastCount = -1;
    DateTimeOffset _lastHeard;

    public int Samples => _intervalsMs.Count;

    /// <summary>Records what the store shows; beats that arrived between two sweeps are split evenly over the gap.</summary>
    public void Observe(long heartbeatCount, DateTimeOffset lastHeard)
    {
        if (_lastCount >= 0 && heartbeatCount > _lastCount && lastHeard > _lastHeard)
        {
            var beats = heartbeatCount - _lastCount;
            var each = (lastHeard - _lastHeard).TotalMilliseconds / beats;
            for (var i = 0; i < Math.Min(beats, window); i++)
                Add(each);
        }
        if (heartbeatCount < _lastCount)
            Reset(); // a new registration starts counting again
        if (heartbeatCount != _lastCount || lastHeard > _lastHeard)
        {
            _lastCount = heartbeatCount;
            _lastHeard = lastHeard;
        }
    }

    void Add(double intervalMs)
    {
        _intervalsMs.Enqueue(intervalMs);
        _sum += intervalMs;
        _sumOfSquares += intervalMs * intervalMs;
        if (_intervalsMs.Count > window)
        {
            var old = _intervalsMs.Dequeue();
            _sum -= old;
            _sumOfSquares -= old * old;
        }
    }

    void Reset()
    {
        _intervalsMs.Clear();
        _sum = _sumOfSquares = 0;
    }

    /// <summary>Suspicion after <paramref name="silence"/> without a heartbeat; 0 until a few intervals are known.</summary>
    public double Phi(TimeSpan silence)
    {
        if (_intervalsMs.Count < 3)
            return 0;
        var mean = _sum / _intervalsMs.Count;
        var variance = Math.Max(0, _sumOfSquares / _intervalsMs.Count - mean * mean);
        var stdDev = Math.Max(Math.Sqrt(variance), minStdDeviation.TotalMilliseconds);
        return PhiOf(silence.TotalMilliseconds, mean, stdDev);
    }

    /// <summary>-log10(1 - CDF(t)) with the logistic approximation of the normal CDF (error under 0.01%).</summary>
    internal static double PhiOf(double silenceMs, double meanMs, double stdDevMs)
    {
        var y = (silenceMs - meanMs) / stdDevMs;
        var e = Math.Exp(-y * (1.5976 + 0.070566 * y * y));
        var phi = silenceMs > meanMs ? -Math.Log10(e / (1.0 + e)) : -Math.Log10(1.0 - 1.0 / (1.0 + e));
        return double.IsFinite(phi) ? phi : double.MaxValue;
    }
}
