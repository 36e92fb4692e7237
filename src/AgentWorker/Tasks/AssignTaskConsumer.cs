using System.Diagnostics;
using AgentWorker.Lifecycle;
using Coordinator.Contracts;
using MassTransit;

namespace AgentWorker.Tasks;

/// <summary>
/// Runs one assignment from <c>agent-{id}</c> with its type's handler, cancelled at its deadline, and
/// reports TaskStarted then TaskCompleted or TaskFailed. A failure is a result, not a fault: the
/// message is always acknowledged and the coordinator decides about retries.
/// </summary>
public sealed partial class AssignTaskConsumer(
    IEnumerable<ITaskHandler> handlers,
    AgentInstance agent,
    AgentOptions options,
    WorkDirectory workDirectory,
    TaskActivity activity,
    TimeProvider time,
    ILogger<AssignTaskConsumer> logger) : IConsumer<AssignTask>
{
    public async Task Consume(ConsumeContext<AssignTask> context)
    {
        var task = context.Message;
        if (task.AgentId != agent.AgentId)
        {
            LogMisrouted(task.TaskId, task.AgentId);
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        activity.Started();
        try
        {
            await context.Publish(new TaskStarted { TaskId = task.TaskId, AgentId = agent.AgentId, Attempt = task.Attempt, Timestamp = time.GetUtcNow() });
            var handler = handlers.FirstOrDefault(h => string.Equals(h.TaskType, task.TaskType, StringComparison.OrdinalIgnoreCase));
            if (handler is null)
            {
                await FailAsync(context, $"no handler for task type '{task.TaskType}' on agent {agent.AgentId}", false, stopwatch);
                return;
            }

            using var deadline = new CancellationTokenSource(Max(task.Deadline - time.GetUtcNow(), TimeSpan.Zero), time);
            var eviction = activity.Eviction;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, context.CancellationToken, eviction);
            var directory = Path.Combine(workDirectory.Path, task.TaskId);
            try
            {
                var result = await handler.HandleAsync(new TaskContext(task.TaskId, task.TaskType, task.Attempt, task.Payload, task.Deadline, directory),
                    linked.Token);
                var size = result?.GetRawText().Length ?? 0;
                if (size > options.MaxResultBytes)
                {
                    await FailAsync(context, $"result is {size} bytes; the limit is {options.MaxResultBytes}", false, stopwatch);
                    return;
                }
                await context.Publish(new TaskCompleted
                {
                    TaskId = task.TaskId,
                    AgentId = agent.AgentId,
                    Attempt = task.Attempt,
                    Result = result,
                    DurationMs = stopwatch.Elapsed.TotalMilliseconds,
                    Timestamp = time.GetUtcNow(),
                });
            }
            catch (OperationCanceledException) when (eviction.IsCancellationRequested)
            {
                // This instance was evicted and the task moved elsewhere: its result would be stale. Report nothing.
                LogAbandoned(task.TaskId, task.Attempt);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                await FailAsync(context, $"timed out: still running at its deadline {task.Deadline:O}", true, stopwatch);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
            {
                await FailAsync(context, $"{ex.GetType().Name}: {ex.Message}", false, stopwatch);
            }
            finally
            {
                if (Directory.Exists(directory))
                    Directory.Delete(directory, recursive: true);
            }
        }
        finally
        {
            activity.Finished();
        }
    }

    async Task FailAsync(ConsumeContext<AssignTask> context, string error, bool timedOut, Stopwatch stopwatch)
    {
        activity.Failed();
        LogFailed(context.Message.TaskId, context.Message.Attempt, error);
        await context.Publish(new TaskFailed
        {
            TaskId = context.Message.TaskId,
            AgentId = agent.AgentId,
            Attempt = context.Message.Attempt,
            Error = error,
            TimedOut = timedOut,
            DurationMs = stopwatch.Elapsed.TotalMilliseconds,
            Timestamp = time.GetUtcNow(),
        });
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} failed: {Error}")]
    partial void LogFailed(string taskId, int attempt, string error);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} abandoned: this agent was evicted and the task moved elsewhere")]
    partial void LogAbandoned(string taskId, int attempt);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} was addressed to agent {AgentId}, not this one: ignored")]
    partial void LogMisrouted(string taskId, string agentId);
}
