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
            .WithIdentity($"retry-{task.TaskId}-{task.Attempt}", "task-retries")
            .UsingJobData(TaskKey, JsonSerializer.Serialize(task))
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"retry-{task.TaskId}-{task.Attempt}", "task-retries")
            .StartAt(time.GetUtcNow() + delay)
            .Build();
        await scheduler.ScheduleJob(job, trigger, cancellationToken: cancellationToken);
    }
}
