using Coordinator.Contracts;
using Coordinator.Messaging;
using Coordinator.Tasks.Placement;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// How much work waits and arrives, for the ScalingManager: the backlog's depth (the dispatch queue's ready
/// messages, counted by the queue itself) and its head (the tasks the dispatcher holds while they wait, in
/// priority order, with how long each has waited); tasks accepted so far; the recent mean run time of a task.
/// The head is a sample of what the backlog needs: the queue itself cannot be read without taking from it.
/// </summary>
public sealed class TaskDemand(TaskPlacement placement, QueueConsumerProbe probe, TimeProvider time)
{
    /// <summary>Weight of the newest completion in the mean run time.</summary>
    const double DurationSmoothing = 0.1;

    long _accepted;
    readonly Lock _gate = new();
    double _meanDurationMs;
    bool _anyCompleted;

    /// <summary>A task was accepted at intake.</summary>
    public void Accepted() => Interlocked.Increment(ref _accepted);

    /// <summary>Tasks accepted for dispatch since the coordinator started.</summary>
    public long AcceptedCount => Interlocked.Read(ref _accepted);

    /// <summary>A task completed in <paramref name="durationMs"/> on its agent.</summary>
    public void Completed(double durationMs)
    {
        if (!double.IsFinite(durationMs) || durationMs < 0)
            return;
        lock (_gate)
        {
            _meanDurationMs = _anyCompleted ? _meanDurationMs + DurationSmoothing * (durationMs - _meanDurationMs) : durationMs;
            _anyCompleted = true;
        }
    }

    public async Task<TaskDemandSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var queued = await probe.ReadyMessagesAsync(EntityNames.DispatchQueue, cancellationToken);
        var now = time.GetUtcNow();
        var head = placement.WaitingSince().Select(w => new WaitingTask(w.Task.TaskType, w.Task.RequiredCapabilities, w.Task.Resources, now - w.Since)).ToList();
        double mean;
        lock (_gate)
            mean = _meanDurationMs;
        return new TaskDemandSnapshot(queued, head, Interlocked.Read(ref _accepted), mean / 1000.0, now);
    }
}
