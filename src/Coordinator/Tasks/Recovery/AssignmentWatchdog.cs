using Coordinator.Contracts;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Recovery;

/// <summary>
/// The last safety net for work an agent took and never reported on (its consumer hung, it dropped the
/// message, the result was lost): an assignment still without a result <c>Coordinator:AssignmentGrace</c>
/// after its deadline (the task's own, or <c>TaskTimeout</c> after it was assigned, when the agent itself
/// would have cancelled it) is failed on the agent's behalf, and the usual path retries or dead-letters it.
/// Fencing makes it safe: anything the agent reports later for that attempt is stale. Run by the health sweep.
/// </summary>
public sealed partial class AssignmentWatchdog(
    TaskPlacement placement,
    IBus publisher,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<AssignmentWatchdog> logger)
{
    readonly HashSet<(string TaskId, int Attempt)> _reported = [];

    /// <summary>
    /// Fails what is overdue. <paramref name="listeningSince"/>: when the coordinator's bus last became connected; a result
    /// could not arrive before that, so the grace counts from there too.
    /// </summary>
    public async Task<int> CheckAsync(DateTimeOffset listeningSince, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overdue = placement.InFlightSnapshot()
            .Where(t => Later(DeadlineOf(t), listeningSince) + options.AssignmentGrace < now)
            .ToList();
        _reported.IntersectWith(overdue.Select(t => (t.Task.TaskId, t.Attempt)));
        var failed = 0;
        foreach (var task in overdue.Where(t => !_reported.Contains((t.Task.TaskId, t.Attempt))))
        {
            var error = $"no result from agent {task.AgentId} by {(DeadlineOf(task) + options.AssignmentGrace):O} " +
                        $"(assigned {task.AssignedAt:O}): presumed lost by the agent";
            LogOverdue(task.Task.TaskId, task.Attempt, task.AgentId);
            await publisher.Publish(new TaskFailed
            {
                TaskId = task.Task.TaskId,
                AgentId = task.AgentId,
                Attempt = task.Attempt,
                Error = error,
                DurationMs = (now - task.AssignedAt).TotalMilliseconds,
                Timestamp = now,
            }, cancellationToken);
            _reported.Add((task.Task.TaskId, task.Attempt)); // once published; a failed publish is tried at the next sweep
            failed++;
        }
        return failed;
    }

    static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    static DateTimeOffset DeadlineOf(InFlightTask task) => task.Deadline;

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} on agent {AgentId}: no result by its deadline and grace; failed by the watchdog")]
    partial void LogOverdue(string taskId, int attempt, string agentId);
}
