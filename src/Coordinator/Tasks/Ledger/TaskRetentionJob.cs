using Quartz;

namespace Coordinator.Tasks.Ledger;

/// <summary>Quartz job: prunes tasks that ended more than Tasks:Retention ago (every Tasks:RetentionInterval).</summary>
[DisallowConcurrentExecution]
public sealed class TaskRetentionJob(TaskRetention retention) : IJob
{
    public static readonly JobKey Key = new("task-retention", "tasks");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await retention.PruneAsync(cancellationToken);
}
