using Coordinator.Ownership;
using Quartz;

namespace Coordinator.Health;

/// <summary>
/// Quartz job: one heartbeat sweep per firing (the Debian broker has no delayed-message plugin). Not while this coordinator is
/// still taking over (a standby's jobs are vetoed already): its queues are not consumed yet, so it cannot hear the heartbeats
/// it would judge (<see cref="HeartbeatWindowOnceConsuming"/> opens the window once they are).
/// </summary>
[DisallowConcurrentExecution]
public sealed class HeartbeatSweepJob(HeartbeatSweeper sweeper, TaskPathOwnership ownership) : IJob
{
    public static readonly JobKey Key = new("heartbeat-sweep", "health");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (ownership.IsActive)
            await sweeper.SweepAsync(cancellationToken);
    }
}
