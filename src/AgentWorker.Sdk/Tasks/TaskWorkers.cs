using System.Diagnostics;
using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// Runs the held assignments, MaxConcurrentTasks at a time, each through the <see cref="TaskRunner"/>; reports go out
/// through the bus. A stale assignment is not run but given back (<see cref="AssignmentReleased"/>: the coordinator
/// places it again if that attempt is still current here, and ignores it otherwise). A worker survives any failure of
/// one task. Stopped after the bus (registered before it): a graceful stop first waits for the held work.
/// </summary>
internal sealed partial class TaskWorkers(HeldAssignments assignments, TaskRunner runner, IBus bus, AgentOptions options, TimeProvider time,
    ILogger<TaskWorkers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.MaxConcurrentTasks).Select(_ => WorkAsync(stoppingToken)));

    async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            HeldAssignments.Held held;
            try
            {
                held = await assignments.NextAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var task = held.Task;
            try
            {
                if (held.StaleReason is { } stale)
                {
                    await bus.Publish(new AssignmentReleased
                    {
                        TaskId = task.TaskId, AgentId = task.AgentId, Attempt = task.Attempt, Released = true,
                        Reason = $"not run: {stale}", Timestamp = time.GetUtcNow(),
                    }, stoppingToken);
                    continue;
                }
                // One span per run, in the trace the assignment came in: the report it publishes continues that trace.
                using var span = Tracing.Source.StartActivity($"run {task.TaskType}", ActivityKind.Internal, held.Trace);
                span?.SetTag("task.id", task.TaskId).SetTag("task.type", task.TaskType).SetTag("task.attempt", task.Attempt);
                await runner.RunAsync(new TaskRun(task.TaskId, task.TaskType, task.Attempt, task.Payload, task.Deadline, task.Checkpoint), bus, stoppingToken, held.Eviction,
                    held.Cancellation.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // stopping: the coordinator moves what did not finish once this agent unregisters or is found gone
            }
            catch (Exception ex)
            {
                // A report given up on after the broker stayed away: the coordinator's watchdog recovers that task; this worker goes on.
                LogWorkerError(task.TaskId, task.Attempt, ex.Message);
            }
            finally
            {
                assignments.Done(held);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Task {TaskId} attempt {Attempt}: {Error}; the worker goes on with the next")]
    partial void LogWorkerError(string taskId, int attempt, string error);
}
