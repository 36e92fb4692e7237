using System.Text.Json;
using Coordinator.Contracts;
using Quartz;

namespace Coordinator.Tasks.Dispatch;

/// <summary>Retry delays on Quartz (the Debian broker has no delayed-message plugin): a one-shot job per retry.</summary>
public sealed class TaskRetryScheduler(ISchedulerFactory schedulers, TimeProvider time)
{
    public const string TaskKey = "task";

    public async Task ScheduleAsync(DispatchTask task, TimeSpan delay, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<TaskRetryJob>()
            .WithIdentity(KeyOf(task.TaskId, task.Attempt))
            .UsingJobData(TaskKey, JsonSerializer.Serialize(task))
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(new TriggerKey(KeyOf(task.TaskId, task.Attempt).Name, Group))
            .StartAt(time.GetUtcNow() + delay)
            .Build();
        await scheduler.ScheduleJob(job, trigger, cancellationToken: cancellationToken);
    }

    /// <summary>Takes back a retry not yet sent; false when there is none (it has fired, or was never scheduled here).</summary>
    public async Task<bool> UnscheduleAsync(string taskId, int attempt, CancellationToken cancellationToken) =>
        await (await schedulers.GetScheduler(cancellationToken)).DeleteJob(KeyOf(taskId, attempt), cancellationToken);

    const string Group = "task-retries";

    static JobKey KeyOf(string taskId, int attempt) => new($"retry-{taskId}-{attempt}", Group);
}
