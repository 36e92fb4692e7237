using System.Text.Json;

namespace Coordinator.Bench.Runs;

/// <summary>What one measured run submits: how many tasks, of which type and payload, at what rate (0 = as fast as possible).</summary>
public sealed record Workload(int Tasks, string TaskType, JsonElement? Payload, double Rate, TimeSpan Timeout)
{
    public string Describe() =>
        $"{Tasks} × {TaskType} {Payload?.GetRawText() ?? "(no payload)"}, rate {(Rate > 0 ? $"{Rate:0} tasks/s" : "as fast as possible")}";
}
