using Quartz;

namespace Coordinator.Scaling;

/// <summary>Quartz job: one scaling check per firing (every Scaling:CheckInterval, and at once when an agent it runs is lost).</summary>
[DisallowConcurrentExecution]
public sealed class ScalingCheckJob(ScalingManager manager) : IJob
{
    public static readonly JobKey Key = new("scaling-check", "scaling");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await manager.CheckAsync(cancellationToken);
}
