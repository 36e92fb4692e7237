using Quartz;

namespace Coordinator.Health;

/// <summary>Quartz job: forgets agents long gone, once a minute (twice per retention when that is shorter).</summary>
[DisallowConcurrentExecution]
public sealed class AgentRetentionJob(AgentRetention retention) : IJob
{
    public static readonly JobKey Key = new("agent-retention", "health");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await retention.PruneAsync(cancellationToken);
}
