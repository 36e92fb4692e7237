using Quartz;

namespace Coordinator.Tasks.Scheduling;

/// <summary>Quartz job: fires the scheduled and recurring tasks that are due (every Tasks:ScheduleSweepInterval).</summary>
[DisallowConcurrentExecution]
public sealed class ScheduleSweepJob(TaskSchedules schedules) : IJob
{
    public static readonly JobKey Key = new("schedule-sweep", "tasks");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await schedules.FireDueAsync(cancellationToken);
}
