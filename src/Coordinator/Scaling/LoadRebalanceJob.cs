using Quartz;

namespace Coordinator.Scaling;

/// <summary>Quartz job: one load rebalancing pass per firing (every Scaling:LoadBalanceInterval).</summary>
[DisallowConcurrentExecution]
public sealed class LoadRebalanceJob(LoadRebalancer rebalancer) : IJob
{
    public static readonly JobKey Key = new("load-rebalance", "scaling");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await rebalancer.RebalanceAsync(cancellationToken);
}
