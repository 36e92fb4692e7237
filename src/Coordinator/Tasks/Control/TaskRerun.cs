using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Control;

/// <summary>
/// Re-runs a task that ended badly (DeadLettered, TimedOut, Cancelled) or waits for a retry (Failed): a fresh attempt series on
/// the same id, with the full retry budget and no checkpoint, whose first attempt follows the last one (so anything the earlier
/// attempts still report is stale). The ledger keeps how the earlier run ended (<see cref="TaskRecord.EarlierRuns"/>). A deadline
/// that has passed is dropped (the task timeout still bounds each attempt). One re-run at a time here, so two requests for the
/// same task cannot both start one.
/// </summary>
public sealed partial class TaskRerun(
    TaskPlacement placement,
    TaskQueries queries,
    TaskLedger ledger,
    TaskRetryScheduler retries,
    DispatchQueue dispatch,
    IBus bus,
    TimeProvider time,
    ILogger<TaskRerun> logger)
{
    /// <summary>The statuses a task may be re-run from.</summary>
    public static readonly IReadOnlyList<TaskStatus> Rerunnable = [TaskStatus.DeadLettered, TaskStatus.Failed, TaskStatus.TimedOut, TaskStatus.Cancelled];

    /// <summary>How many earlier runs a task keeps in its history (the oldest are dropped).</summary>
    public const int RunsKept = 20;

    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Status: what the task is now (null when unknown); Attempt: the re-run's first attempt; Refusal: why it was not re-run.</summary>
    public sealed record Outcome(string? Status, int Attempt, string? Refusal)
    {
        public bool Rerun => Refusal is null && Status is not null;

        /// <summary>Refused because the broker could not take the re-run (try again later), not because of the task.</summary>
        public bool Unavailable { get; init; }
    }

    public async Task<Outcome> RerunAsync(string taskId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await RerunLockedAsync(taskId, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<Outcome> RerunLockedAsync(string taskId, CancellationToken cancellationToken)
    {
        if (await queries.FindRecordAsync(taskId, cancellationToken) is not { } record)
            return new Outcome(null, 0, null);
        var status = record.Status.ToString();
        if (!Rerunnable.Contains(record.Status))
            return new Outcome(status, record.Attempts,
                $"task '{taskId}' is {status}; only a {string.Join(", ", Rerunnable.Select(s => s.ToString()))} task can be re-run");
        var last = record.Attempts;
        if (record.Status == TaskStatus.Failed && !await retries.UnscheduleAsync(taskId, last + 1, cancellationToken))
            return new Outcome(status, last, $"task '{taskId}' is {status} and its retry has just been sent; it is running again");

        var now = time.GetUtcNow();
        var deadline = record.Deadline is { } due && due > now ? due : (DateTimeOffset?)null;
        var earlier = new TaskRunSummary
        {
            FirstAttempt = Math.Max(1, record.FirstAttempt),
            LastAttempt = last,
            Status = status,
            AgentId = record.AgentId,
            StartedAt = record.StartedAt,
            FinishedAt = record.FinishedAt,
            Error = record.Error,
            Reason = record.Reason,
            RerunAt = now,
        };
        await ledger.RecordDurablyAsync(new TaskUpdate(taskId, TaskStatus.Pending, last, now, r => Reopen(r, earlier, last + 1, deadline)) { Reopens = true })
            .WaitAsync(cancellationToken);
        placement.Reopen(taskId, last);
        var next = TaskForms.Dispatch(record, last + 1) with { Deadline = deadline, Checkpoint = null, FailedAttempts = 0 };
        try
        {
            await dispatch.SendAsync(bus, next, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not queued (the broker is away): the task is not left Pending with nothing to place it; it ends again, saying so.
            var failedAt = time.GetUtcNow();
            var reason = $"its re-run could not be queued ({ex.Message}); re-run it again";
            await ledger.RecordDurablyAsync(new TaskUpdate(taskId, record.Status == TaskStatus.Failed ? TaskStatus.DeadLettered : record.Status, last,
                failedAt, r => (r.FinishedAt, r.Reason) = (failedAt, reason)));
            LogNotQueued(taskId, ex.Message);
            return new Outcome(status, last, $"task '{taskId}': {reason}") { Unavailable = true };
        }
        LogRerun(taskId, status, next.Attempt);
        return new Outcome(nameof(TaskStatus.Pending), next.Attempt, null);
    }

    /// <summary>What a bulk re-run did: the tasks re-run, those refused (with why), and whether more matched than the limit.</summary>
    public sealed record BulkOutcome(IReadOnlyList<string> Rerun, IReadOnlyList<Refused> Refused, bool More);

    public sealed record Refused(string TaskId, string Error);

    /// <summary>Re-runs the tasks that match (by status, type and when they ended), at most <paramref name="limit"/> of them, the oldest first.</summary>
    public async Task<BulkOutcome> RerunManyAsync(IReadOnlyList<TaskStatus> statuses, string? taskType, DateTimeOffset? after, DateTimeOffset? before,
        int limit, CancellationToken cancellationToken)
    {
        var ids = await queries.FindIdsAsync(statuses, taskType, after, before, limit + 1, cancellationToken);
        List<string> rerun = [];
        List<Refused> refused = [];
        foreach (var id in ids.Take(limit))
        {
            var outcome = await RerunAsync(id, cancellationToken);
            if (outcome.Rerun)
                rerun.Add(id);
            else
                refused.Add(new Refused(id, outcome.Refusal ?? $"task '{id}' not found"));
        }
        return new BulkOutcome(rerun, refused, ids.Count > limit);
    }

    /// <summary>The record as a fresh run: the earlier run summarised into its history, its outcome, progress and checkpoint cleared.</summary>
    static void Reopen(TaskRecord r, TaskRunSummary earlier, int firstAttempt, DateTimeOffset? deadline)
    {
        var runs = r.EarlierRuns is null ? [] : JsonSerializer.Deserialize<List<TaskRunSummary>>(r.EarlierRuns, Json) ?? [];
        runs.Add(earlier);
        r.EarlierRuns = JsonSerializer.Serialize(runs.TakeLast(RunsKept), Json);
        r.FirstAttempt = firstAttempt;
        r.Deadline = deadline;
        r.AgentId = null;
        r.AssignedAt = r.StartedAt = r.FinishedAt = null;
        r.Result = r.Error = r.Reason = null;
        r.ProgressPercent = null;
        r.ProgressMessage = null;
        r.ProgressAt = null;
        r.Checkpoint = null;
        r.CheckpointAt = null;
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId}: its re-run could not be queued ({Error}); it ends again")]
    partial void LogNotQueued(string taskId, string error);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} re-run from {Status}: a fresh attempt series from attempt {Attempt}")]
    partial void LogRerun(string taskId, string status, int attempt);
}
