namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// The backlog at one instant: <see cref="Queued"/> ready in the dispatch queue (null when the broker could not be
/// asked) behind the <see cref="Head"/> the dispatcher holds.
/// </summary>
public sealed record TaskDemandSnapshot(int? Queued, IReadOnlyList<WaitingTask> Head, long Accepted, double MeanTaskSeconds, DateTimeOffset At)
{
    public int Waiting => (Queued ?? 0) + Head.Count;
}
