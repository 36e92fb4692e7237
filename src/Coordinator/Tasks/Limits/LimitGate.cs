namespace Coordinator.Tasks.Limits;

/// <summary>
/// The per-type limits as placement applies them: how many of each type are in flight (counted by placement), and a token
/// bucket per rate-limited type holding at most one second's worth. Pure: no clock but the argument; not thread-safe (placement
/// calls it under its lock).
/// </summary>
public sealed class LimitGate
{
    readonly Dictionary<string, int> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.OrdinalIgnoreCase);

    public int InFlight(string taskType) => _inFlight.GetValueOrDefault(taskType);

    /// <summary>Whether one more task of the type may start now; when a rate holds it back, <paramref name="retryAt"/> says when one may.</summary>
    public bool MayStart(string taskType, TaskTypeLimit limit, DateTimeOffset now, out DateTimeOffset? retryAt)
    {
        retryAt = null;
        if (limit.MaxConcurrent is { } max && InFlight(taskType) >= max)
            return false; // a finishing task of the type pulses placement
        if (limit.PerSecond is not { } rate)
            return true;
        var tokens = Tokens(taskType, rate, now);
        if (tokens >= 1)
            return true;
        retryAt = now + TimeSpan.FromSeconds((1 - tokens) / rate);
        return false;
    }

    /// <summary>A task of the type was placed: counted in flight, and one token spent.</summary>
    public void Started(string taskType, TaskTypeLimit limit, DateTimeOffset now)
    {
        _inFlight[taskType] = InFlight(taskType) + 1;
        if (limit.PerSecond is { } rate)
            _buckets[taskType] = (Tokens(taskType, rate, now) - 1, now);
    }

    /// <summary>A task placed earlier, not through <see cref="Started"/> (restored after a restart): counted, no token spent.</summary>
    public void Restored(string taskType) => _inFlight[taskType] = InFlight(taskType) + 1;

    public void Ended(string taskType)
    {
        var left = InFlight(taskType) - 1;
        if (left <= 0)
            _inFlight.Remove(taskType);
        else
            _inFlight[taskType] = left;
    }

    /// <summary>The bucket refilled to now: <paramref name="rate"/> tokens a second, at most max(1, rate) held.</summary>
    double Tokens(string taskType, double rate, DateTimeOffset now)
    {
        var capacity = Math.Max(1, rate);
        if (!_buckets.TryGetValue(taskType, out var bucket))
            return capacity;
        var elapsed = Math.Max(0, (now - bucket.At).TotalSeconds);
        return Math.Min(capacity, bucket.Tokens + elapsed * rate);
    }
}
