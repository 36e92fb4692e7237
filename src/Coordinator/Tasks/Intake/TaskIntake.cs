using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using Coordinator.Tasks.Scheduling;
using MassTransit;

namespace Coordinator.Tasks.Intake;

/// <summary>
/// Accepts or rejects a submission (from the intake queue or the HTTP API): a rejected one is
/// recorded as Rejected with its reason and announced with TaskRejected; an accepted one is recorded
/// Pending and sent to the dispatch queue with its priority as the AMQP priority. A task id that is
/// already known is not taken twice: a submission the ledger is asked about (every client-chosen id through
/// the HTTP API, every redelivered broker message, and any id this coordinator accepted among its last
/// 100,000) is acknowledged as accepted when known, and re-sent to dispatch only while it is still Pending
/// (the dispatcher drops the copy if the first one arrived after all). A client-chosen id published to the
/// broker again much later is not looked up: the ledger never moves it back from a final status, and the
/// dispatcher drops a copy of an attempt it finished lately.
/// </summary>
public sealed partial class TaskIntake(
    TaskRules rules,
    AgentRegistry registry,
    AgentRegistryLoader agents,
    TaskLedger ledger,
    TaskQueries queries,
    TaskDemand demand,
    TaskPlacement placement,
    TaskAssigner assigner,
    ScheduleStore schedules,
    DispatchQueue dispatch,
    IBus bus,
    TimeProvider time,
    ILogger<TaskIntake> logger)
{
    public static string NewTaskId() => NewId.NextGuid().ToString();

    /// <summary>Ids accepted lately: a repeat of one is looked up in the ledger even when nothing else says it may be known.</summary>
    readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    readonly Queue<string> _recentOrder = new();
    const int RecentMemory = 100_000;

    /// <summary>
    /// Returns the rejection reason, or null when the task was accepted. <paramref name="mayBeKnown"/>: the ledger is
    /// asked first (an API client's own id, or a redelivered message); so is any id accepted lately. A generated id is
    /// new by construction, and looking every broker submission up would cost the intake a database read each.
    /// </summary>
    public async Task<string?> SubmitAsync(SubmitTask submission, string taskId, bool mayBeKnown, ISendEndpointProvider sender,
        IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        // A task held for its run-at time is known (Scheduled) and comes here again from its schedule, without the run-at time.
        var due = false;
        if ((mayBeKnown || SeenLately(taskId)) && await queries.FindAsync(taskId, cancellationToken) is { } known)
        {
            if (known.Status != nameof(TaskStatus.Scheduled) || submission.RunAt is not null)
                return await ResubmittedAsync(submission, known, sender, cancellationToken);
            due = true;
        }

        var now = time.GetUtcNow();
        var reason = rules.Validate(submission);
        var task = reason is null ? TaskForms.Dispatch(submission, taskId, now) : null;
        if (reason is null && (registry.All.Count == 0 || rules.Unplaceable(task!) is not null))
        {
            // The registry may be a sweep behind: look again at the store before refusing (or before
            // accepting blind because no agent is known yet).
            await agents.RefreshAsync(cancellationToken);
            reason = rules.Unplaceable(task!);
        }
        if (reason is not null)
        {
            LogRejected(taskId, reason);
            ledger.Record(due
                ? new TaskUpdate(taskId, TaskStatus.Rejected, 0, now, r => (r.Reason, r.FinishedAt) = (reason, now))
                : new TaskUpdate(taskId, TaskStatus.Rejected, 0, now) { Created = TaskForms.Record(submission, taskId, TaskStatus.Rejected, now, reason) });
            await publisher.Publish(new TaskRejected { TaskId = taskId, Reason = reason, Timestamp = now }, cancellationToken);
            return reason;
        }

        if (!due && submission.RunAt is { } runAt && runAt > now)
        {
            // Held until its time: a one-shot schedule submits it then (through here again), on whichever coordinator fires it.
            ledger.Record(new TaskUpdate(taskId, TaskStatus.Scheduled, 0, now) { Created = TaskForms.Record(submission, taskId, TaskStatus.Scheduled, now, null) });
            Remember(taskId);
            await schedules.AddAsync(ScheduleForms.Once(submission, taskId, runAt, now), cancellationToken);
            LogScheduled(taskId, runAt);
            return null;
        }
        ledger.Record(due
            ? new TaskUpdate(taskId, TaskStatus.Pending, 0, now)
            : new TaskUpdate(taskId, TaskStatus.Pending, 0, now) { Created = TaskForms.Record(submission, taskId, TaskStatus.Pending, now, null) });
        Remember(taskId);
        demand.Accepted();
        // Straight to an agent when one has a free slot and nothing waits ahead (one broker hop fewer); else to the
        // priority queue. Sent through the bus, not the intake's outbox, so the broker's answer is known before this
        // submission is acknowledged.
        using var span = Hosting.Tracing.Source.StartActivity("place task");
        span?.SetTag("task.id", taskId).SetTag("task.type", task!.TaskType).SetTag("task.attempt", task.Attempt);
        if (placement.TryPlaceNow(task!) is { } agent)
        {
            span?.SetTag("agent.id", agent.AgentId);
            try
            {
                await assigner.AssignAsync(bus, task!, agent.AgentId, cancellationToken);
                return null;
            }
            catch (MessageReturnedException)
            {
                LogReturned(taskId, agent.AgentId); // the agent's queue is gone: the dispatcher places it again
            }
        }
        span?.SetTag("queued", true); // placed later, from the dispatch queue
        await dispatch.SendAsync(sender, task!, cancellationToken);
        return null;
    }

    bool SeenLately(string taskId)
    {
        lock (_recent)
            return _recent.Contains(taskId);
    }

    void Remember(string taskId)
    {
        lock (_recent)
        {
            if (!_recent.Add(taskId))
                return;
            _recentOrder.Enqueue(taskId);
            if (_recentOrder.Count > RecentMemory)
                _recent.Remove(_recentOrder.Dequeue());
        }
    }

    async Task<string?> ResubmittedAsync(SubmitTask submission, TaskView known, ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        if (known.Status == nameof(TaskStatus.Rejected))
            return $"task id '{known.TaskId}' was already submitted and rejected: {known.Reason}";
        if (!string.Equals(known.TaskType, submission.TaskType?.Trim(), StringComparison.OrdinalIgnoreCase))
            return $"task id '{known.TaskId}' is already used by a '{known.TaskType}' task";
        LogResubmitted(known.TaskId, known.Status);
        if (known.Status == nameof(TaskStatus.Pending) && known.Attempts == 0 && rules.Validate(submission) is null)
            await dispatch.SendAsync(sender, TaskForms.Dispatch(submission, known.TaskId, known.SubmittedAt), cancellationToken);
        return null;
    }

    [LoggerMessage(LogLevel.Information, "Task {TaskId} submitted again while {Status}: accepted once, not twice")]
    partial void LogResubmitted(string taskId, string status);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId}: the assignment to agent {AgentId} was returned by the broker (no queue), placing it again through dispatch")]
    partial void LogReturned(string taskId, string agentId);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} scheduled to run at {RunAt:O}")]
    partial void LogScheduled(string taskId, DateTimeOffset runAt);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} rejected: {Reason}")]
    partial void LogRejected(string taskId, string reason);
}
