using System.Diagnostics;
using AgentWorker.Lifecycle;
using AgentWorker.Tasks;
using Coordinator.Contracts;
using MassTransit;

namespace AgentWorker.Baseline;

/// <summary>
/// Baseline mode, for the benchmark only (<c>Agent:BaselineQueue</c>): consumes <see cref="SubmitTask"/>
/// straight from one queue shared by every worker (plain MassTransit competing consumers, no coordinator),
/// runs the same handler and publishes the same TaskStarted / TaskCompleted / TaskFailed as
/// <see cref="AssignTaskConsumer"/>, so the two can be compared on equal terms.
/// </summary>
public sealed partial class BaselineTaskConsumer(
    IEnumerable<ITaskHandler> handlers,
    AgentInstance agent,
    WorkDirectory workDirectory,
    TaskActivity activity,
    TimeProvider time,
    ILogger<BaselineTaskConsumer> logger) : IConsumer<SubmitTask>
{
    const int Attempt = 1;

    public async Task Consume(ConsumeContext<SubmitTask> context)
    {
        var task = context.Message;
        var taskId = string.IsNullOrWhiteSpace(task.TaskId) ? context.MessageId?.ToString() ?? NewId.NextGuid().ToString() : task.TaskId!;
        var stopwatch = Stopwatch.StartNew();
        activity.Started();
        try
        {
            await context.Publish(new TaskStarted { TaskId = taskId, AgentId = agent.AgentId, Attempt = Attempt, Timestamp = time.GetUtcNow() });
            var handler = handlers.FirstOrDefault(h => string.Equals(h.TaskType, task.TaskType, StringComparison.OrdinalIgnoreCase));
            if (handler is null)
            {
                await FailAsync(context, taskId, $"no handler for task type '{task.TaskType}' on agent {agent.AgentId}", stopwatch);
                return;
            }

            var directory = Path.Combine(workDirectory.Path, taskId);
            try
            {
                var deadline = task.Deadline ?? DateTimeOffset.MaxValue;
                var result = await handler.HandleAsync(new TaskContext(taskId, task.TaskType, Attempt, task.Payload, deadline, directory),
                    context.CancellationToken);
                await context.Publish(new TaskCompleted
                {
                    TaskId = taskId,
                    AgentId = agent.AgentId,
                    Attempt = Attempt,
                    Result = result,
                    DurationMs = stopwatch.Elapsed.TotalMilliseconds,
                    Timestamp = time.GetUtcNow(),
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
            {
                await FailAsync(context, taskId, $"{ex.GetType().Name}: {ex.Message}", stopwatch);
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

    async Task FailAsync(ConsumeContext<SubmitTask> context, string taskId, string error, Stopwatch stopwatch)
    {
        activity.Failed();
        LogFailed(taskId, error);
        await context.Publish(new TaskFailed
        {
            TaskId = taskId,
            AgentId = agent.AgentId,
            Attempt = Attempt,
            Error = error,
            DurationMs = stopwatch.Elapsed.TotalMilliseconds,
            Timestamp = time.GetUtcNow(),
        });
    }

    [LoggerMessage(LogLevel.Warning, "Baseline task {TaskId} failed: {Error}")]
    partial void LogFailed(string taskId, string error);
}
