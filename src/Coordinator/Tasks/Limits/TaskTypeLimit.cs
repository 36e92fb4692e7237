namespace Coordinator.Tasks.Limits;

/// <summary>
/// A fleet-wide limit on one task type: at most <see cref="MaxConcurrent"/> placed at once (held or running on agents), and/or
/// at most <see cref="PerSecond"/> started per second (a burst of one second's worth). Null: no such limit.
/// </summary>
public sealed record TaskTypeLimit(int? MaxConcurrent, double? PerSecond)
{
    public static readonly TaskTypeLimit None = new(null, null);

    public bool IsNone => MaxConcurrent is null && PerSecond is null;

    /// <summary>Why the limit is not one, or null.</summary>
    public string? Problem() =>
        MaxConcurrent is <= 0 ? $"maxConcurrent must be 1 or more, was {MaxConcurrent}"
        : PerSecond is { } rate && (!double.IsFinite(rate) || rate <= 0) ? $"perSecond must be more than 0, was {rate}"
        : PerSecond is > 100_000 ? $"perSecond must be at most 100000, was {PerSecond}"
        : null;
}
