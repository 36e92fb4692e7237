using MassTransit;

namespace AgentWorker.Tasks;

/// <summary>
/// Runs the held assignments, MaxConcurrentTasks at a time, each through the <see cref="TaskRunner"/>; reports go out
/// through the bus. Stopped after the bus (registered before it): a graceful stop first waits for the held work.
/// </summary>
public sealed class TaskWorkers(HeldAssignments assignments, TaskRunner runner, IBus bus, AgentOptions options) : BackgroundService
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
            try
            {
                var task = held.Task;
                await runner.RunAsync(new TaskRun(task.TaskId, task.TaskType, task.Attempt, task.Payload, task.Deadline), bus, stoppingToken, held.Eviction);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // stopping: the coordinator moves what did not finish once this agent unregisters or is found gone
            }
            finally
            {
                assignments.Done(held);
            }
        }
    }
}
