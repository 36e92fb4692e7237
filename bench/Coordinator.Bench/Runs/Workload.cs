using System.Text.Json;

namespace Coordinator.Bench.Runs;

/// <summary>
/// What one measured run submits: how many tasks, of which type and payload, at what rate (0 = as fast as possible),
/// or at the given offsets from the first submission (a shaped load, such as a ramp).
/// </summary>
public sealed record Workload(int Tasks, string TaskType, JsonElement? Payload, double Rate, TimeSpan Timeout)
{
    /// <summary>When each task is submitted, from the start of the run; null for a constant rate.</summary>
    public IReadOnlyList<TimeSpan>? Offsets { get; init; }

    public string? Shape { get; init; }

    public string Describe() =>
        $"{Tasks} × {TaskType} {Payload?.GetRawText() ?? "(no payload)"}, " +
        (Shape ?? $"rate {(Rate > 0 ? $"{Rate:0} tasks/s" : "as fast as possible")}");

    /// <summary>
    /// A triangle: the rate rises linearly from zero to <paramref name="peak"/> tasks/s over <paramref name="rise"/>, then falls
    /// back to zero over <paramref name="fall"/>; tasks are submitted when the rate's running total reaches each whole task.
    /// </summary>
    public static Workload Ramp(double peak, TimeSpan rise, TimeSpan fall, string taskType, JsonElement? payload, TimeSpan timeout)
    {
        var offsets = new List<TimeSpan>();
        var step = TimeSpan.FromMilliseconds(1);
        double total = 0;
        for (var t = TimeSpan.Zero; t < rise + fall; t += step)
        {
            var rate = t < rise ? peak * t / rise : peak * (rise + fall - t) / fall;
            total += rate * step.TotalSeconds;
            while (total >= offsets.Count + 1)
                offsets.Add(t);
        }
        return new Workload(offsets.Count, taskType, payload, 0, timeout)
        {
            Offsets = offsets,
            Shape = $"ramp 0 → {peak:0.#} tasks/s over {rise.TotalSeconds:0} s, back to 0 over {fall.TotalSeconds:0} s",
        };
    }
}
