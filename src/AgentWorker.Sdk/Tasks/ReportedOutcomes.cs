using System.Text.Json;
using Coordinator.Contracts;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// The outcomes (<see cref="TaskCompleted"/>, <see cref="TaskFailed"/>) this agent reported lately, by attempt. A copy of an
/// attempt that has already run here is not run again, but its outcome is reported again: a coordinator that took over the task
/// path re-sends what its ledger says is in flight, and a result that reached it before it knew the task (its assignment was
/// not yet in the ledger when the previous owner died) was dropped as stale; without this the task would wait for the
/// watchdog's minutes. Bounded by count and by the bytes of the results kept.
/// </summary>
internal sealed class ReportedOutcomes
{
    const int MaxCount = 1_000;
    const long MaxBytes = 16 * 1024 * 1024;

    readonly Lock _gate = new();
    readonly Dictionary<(string TaskId, int Attempt), (object Report, long Bytes)> _byAttempt = [];
    readonly Queue<(string TaskId, int Attempt)> _order = new();
    long _bytes;

    public void Completed(TaskCompleted report) => Remember(report.TaskId, report.Attempt, report, SizeOf(report.Result) + 256);

    public void Failed(TaskFailed report) =>
        Remember(report.TaskId, report.Attempt, report, report.Error.Length * 2L + SizeOf(report.Checkpoint) + 256);

    /// <summary>The outcome reported for this attempt, while it is remembered; null otherwise.</summary>
    public object? Find(string taskId, int attempt)
    {
        lock (_gate)
            return _byAttempt.TryGetValue((taskId, attempt), out var kept) ? kept.Report : null;
    }

    void Remember(string taskId, int attempt, object report, long bytes)
    {
        lock (_gate)
        {
            if (!_byAttempt.TryAdd((taskId, attempt), (report, bytes)))
                return;
            _order.Enqueue((taskId, attempt));
            _bytes += bytes;
            while (_order.Count > MaxCount || (_bytes > MaxBytes && _order.Count > 1))
            {
                var oldest = _order.Dequeue();
                if (_byAttempt.Remove(oldest, out var gone))
                    _bytes -= gone.Bytes;
            }
        }
    }

    static long SizeOf(JsonElement? value) => value is { } json ? json.GetRawText().Length * 2L : 0;
}
