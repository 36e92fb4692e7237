using Quartz;

namespace Coordinator.Health;

/// <summary>Quartz job: one heartbeat sweep per firing (the Debian broker has no delayed-message plugin).</summary>
[DisallowConcurrentExecution]
public sealed class HeartbeatSweepJob(HeartbeatSweeper sweeper) : IJob
{
    public static readonly JobKey Key = new("heartbeat-sweep", "health");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sweeper.SweepAsync(cancellationToken);
}
