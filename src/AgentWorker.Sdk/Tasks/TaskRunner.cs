using System.Diagnostics;
using System.Text.Json;
using Coordinator.AgentWorker.Sdk.Lifecycle;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>One task to run: what the handler gets, whatever queue it came from.</summary>
internal sealed record TaskRun(string TaskId, string TaskType, int Attempt, JsonElement? Payload, DateTimeOffset? Deadline, JsonElement? Checkpoint = null);

/// <summary>
/// Runs one task with its type's handler, cancelled at its deadline (and when this instance is
/// evicted), and reports TaskStarted then TaskCompleted or TaskFailed. A failure is a result, not a
/// fault: nothing is thrown back to the transport except on shutdown, and the coordinator decides
/// about retries.
/// </summary>
internal sealed partial class TaskRunner(
    TaskHandlers handlers,
    IServiceScopeFactory scopes,
    AgentInstance agent,
    AgentOptions options,
    WorkDirectory workDirectory,
    TaskActivity activity,
    ReportedOutcomes outcomes,
    TimeProvider time,
    ILogger<TaskRunner> logger)
{
    /// <summary>Longest one try of a report (started, completed, failed) may wait for the broker.</summary>
    static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a report is tried again while the broker is away before it is given up (the coordinator's watchdog then recovers the task).</summary>
    static readonly TimeSpan ReportPatience = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Runs the task and reports on it. <paramref name="eviction"/>: cancelled when this agent instance is evicted (the
    /// token of the instance that received the task); by default, that of the tasks starting now. <paramref name="cancelled"/>:
    /// cancelled when the coordinator cancels the task.
    /// </summary>
    public async Task RunAsync(TaskRun task, IPublishEndpoint publisher, CancellationToken shutdown, CancellationToken eviction = default,
        CancellationToken cancelled = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var startedAt = time.GetUtcNow();
        activity.Started();
        try
        {
            // A task that ends within StartedReportDelay is reported once, by its result; a longer one says it started.
            using var ended = new CancellationTokenSource();
            var started = ReportStartedAsync(publisher, task, startedAt, ended.Token, shutdown);
            using var reports = new TaskReports(task, agent.AgentId, publisher, options, time, logger);
            // The outcome is settled first and reported after: a report that cannot be sent is never taken for the
            // task's own failure (which would have the coordinator run finished work again).
            var (result, error, timedOut) = await ExecuteAsync(task, reports, eviction.CanBeCanceled ? eviction : activity.Eviction, cancelled, shutdown);
            await ended.CancelAsync();
            await started;
            if (error is not null)
            {
                await FailAsync(publisher, task, error, timedOut, stopwatch, startedAt, reports.LastSaved, shutdown);
                return;
            }
            var completed = new TaskCompleted
            {
                TaskId = task.TaskId,
                AgentId = agent.AgentId,
                Attempt = task.Attempt,
                Result = result,
                DurationMs = stopwatch.Elapsed.TotalMilliseconds,
                StartedAt = startedAt,
                Timestamp = time.GetUtcNow(),
            };
            await ReportAsync(publisher, completed, shutdown);
            outcomes.Completed(completed);
        }
        finally
        {
            activity.Finished();
        }
    }

    /// <summary>Sends TaskStarted once the task has run StartedReportDelay, unless it ended first.</summary>
    async Task ReportStartedAsync(IPublishEndpoint publisher, TaskRun task, DateTimeOffset startedAt, CancellationToken ended, CancellationToken shutdown)
    {
        if (options.StartedReportDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(options.StartedReportDelay, time, ended);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        await ReportAsync(publisher, new TaskStarted { TaskId = task.TaskId, AgentId = agent.AgentId, Attempt = task.Attempt, Timestamp = startedAt },
            shutdown);
    }

    /// <summary>Runs the handler: its result, or why the task failed. Throws only when the agent is shutting down.</summary>
    async Task<(JsonElement? Result, string? Error, bool TimedOut)> ExecuteAsync(TaskRun task, TaskReports reports, CancellationToken eviction,
        CancellationToken cancelled, CancellationToken shutdown)
    {
        if (!handlers.TryGet(task.TaskType, out var handlerType))
            return (null, $"no handler for task type '{task.TaskType}' on agent {agent.AgentId}", false);

        using var deadline = task.Deadline is { } at
            ? new CancellationTokenSource(Max(at - time.GetUtcNow(), TimeSpan.Zero), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, shutdown, eviction, cancelled);
        var directory = Path.Combine(workDirectory.Path, task.TaskId);
        Task<JsonElement?>? handling = null;
        var abandoned = false;
        // A scope per run: the handler (scoped unless registered otherwise) and what it uses live as long as the run.
        var scope = scopes.CreateAsyncScope();
        try
        {
            var handler = (ITaskHandler)scope.ServiceProvider.GetRequiredService(handlerType);
            handling = handler.HandleAsync(
                new TaskContext(task.TaskId, task.TaskType, task.Attempt, task.Payload, task.Deadline ?? DateTimeOffset.MaxValue, directory,
                    task.Checkpoint, reports),
                linked.Token);
            JsonElement? result;
            try
            {
                // Not left to the handler's good will: a handler that ignores its token still fails the task at
                // its deadline, and its slot is freed; what it keeps doing in the background is logged.
                result = await handling.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!handling.IsCompleted)
            {
                // A cooperative handler ends within moments of its token; one still running a second later is abandoned.
                if (await Task.WhenAny(handling, Task.Delay(TimeSpan.FromSeconds(1), time, CancellationToken.None)) != handling)
                {
                    abandoned = true;
                    LogUncooperative(task.TaskId, task.Attempt, task.TaskType);
                }
                throw;
            }
            var size = result?.GetRawText().Length ?? 0;
            return size > options.MaxResultBytes
                ? (null, $"result is {size} bytes; the limit is {options.MaxResultBytes}", false)
                : (result, null, false);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            // The coordinator has ended the task already; this report is for the record and will be ignored there.
            LogCancelledRun(task.TaskId, task.Attempt);
            return (null, "cancelled by the coordinator", false);
        }
        catch (OperationCanceledException) when (eviction.IsCancellationRequested)
        {
            // This instance was evicted: the task has most likely moved elsewhere. Say so anyway; the
            // coordinator's fencing ignores it if the attempt is stale, and retries it if it was not.
            LogAbandoned(task.TaskId, task.Attempt);
            return (null, "abandoned: this agent instance was evicted by the coordinator", false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return (null, $"timed out: still running at its deadline {task.Deadline:O}", true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !shutdown.IsCancellationRequested)
        {
            return (null, $"{ex.GetType().Name}: {ex.Message}", false);
        }
        finally
        {
            reports.Dispose(); // the run ended: progress still due is dropped
            // An abandoned handler may still be writing there, and using its scope: its directory goes with the next run of the
            // same id, its scope once it ends at last (its outcome observed, never rethrown).
            if (!abandoned)
            {
                TryDelete(directory);
                await DisposeAsync(scope, task);
            }
            else
                _ = handling!.ContinueWith(t => { _ = t.Exception; return DisposeAsync(scope, task); }, TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary>Ends a run's scope (its handler and what it used); a handler that fails to dispose is logged, the outcome stands.</summary>
    async Task DisposeAsync(AsyncServiceScope scope, TaskRun task)
    {
        try
        {
            await scope.DisposeAsync();
        }
        catch (Exception ex)
        {
            LogDisposeFailed(task.TaskId, task.Attempt, task.TaskType, ex.Message);
        }
    }

    void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(directory, ex.Message);
        }
    }

    async Task FailAsync(IPublishEndpoint publisher, TaskRun task, string error, bool timedOut, Stopwatch stopwatch, DateTimeOffset startedAt,
        (int Sequence, JsonElement Checkpoint)? lastCheckpoint, CancellationToken shutdown)
    {
        activity.Failed();
        LogFailed(task.TaskId, task.Attempt, error);
        var failed = new TaskFailed
        {
            TaskId = task.TaskId,
            AgentId = agent.AgentId,
            Attempt = task.Attempt,
            Error = error,
            TimedOut = timedOut,
            DurationMs = stopwatch.Elapsed.TotalMilliseconds,
            StartedAt = startedAt,
            Checkpoint = lastCheckpoint?.Checkpoint,
            CheckpointSequence = lastCheckpoint?.Sequence ?? 0,
            Timestamp = time.GetUtcNow(),
        };
        await ReportAsync(publisher, failed, shutdown);
        outcomes.Failed(failed);
    }

    /// <summary>
    /// Publishes a report. The assignment was acknowledged when it arrived, so the report is the only word of the outcome:
    /// while the broker is away it is tried again (each try bounded, so a broker outage cannot leave it pending), for up
    /// to <see cref="ReportPatience"/>; after that, or when the agent stops, it is given up and the coordinator's watchdog
    /// or its recovery of this agent's work takes over (the attempt is fenced, so nothing runs twice by it).
    /// </summary>
    async Task ReportAsync<T>(IPublishEndpoint publisher, T report, CancellationToken shutdown) where T : class
    {
        var giveUpAt = time.GetUtcNow() + ReportPatience;
        for (var attempt = 1; ; attempt++)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            bounded.CancelAfter(ReportTimeout);
            try
            {
                await publisher.Publish(report, bounded.Token);
                return;
            }
            catch (Exception ex) when (!shutdown.IsCancellationRequested && time.GetUtcNow() < giveUpAt)
            {
                LogReportRetry(typeof(T).Name, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, 0.25 * attempt)), time, shutdown);
            }
        }
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Could not send {Report} (try {Attempt}): {Error}; trying again")]
    partial void LogReportRetry(string report, int attempt, string error);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt}: the {TaskType} handler's scope failed to dispose: {Error}")]
    partial void LogDisposeFailed(string taskId, int attempt, string taskType, string error);

    [LoggerMessage(LogLevel.Warning, "Could not remove the work directory {Directory}: {Error}")]
    partial void LogCleanupFailed(string directory, string error);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt}: the {TaskType} handler did not stop when cancelled; the task is failed and the handler abandoned")]
    partial void LogUncooperative(string taskId, int attempt, string taskType);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} failed: {Error}")]
    partial void LogFailed(string taskId, int attempt, string error);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt}: its handler stopped, the task cancelled by the coordinator")]
    partial void LogCancelledRun(string taskId, int attempt);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} abandoned: this agent was evicted, the task has moved elsewhere")]
    partial void LogAbandoned(string taskId, int attempt);
}
