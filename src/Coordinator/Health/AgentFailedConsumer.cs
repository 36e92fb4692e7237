using Coordinator.Contracts;
using Coordinator.Provisioning;
using MassTransit;

namespace Coordinator.Health;

/// <summary>A failed agent's work goes back to the dispatcher; an agent the coordinator started is restarted.</summary>
public sealed class AgentFailedConsumer(AgentRecovery recovery, RecoveryMetrics metrics, IAgentProvisioner provisioner) : IConsumer<AgentFailed>
{
    public async Task Consume(ConsumeContext<AgentFailed> context)
    {
        var failed = context.Message;
        // Only work given to the failed instance moves: a new instance that took the id over may hold newer work, and its queue.
        await recovery.RecoverAsync(failed.AgentId, failed.Reason, failed.LastHeartbeat, context, context.CancellationToken,
            assignedBefore: failed.Timestamp, drainQueue: failed.ReplacedBy is null);
        if (failed.LastHeartbeat is { } heard && context.GetRetryAttempt() == 0)
            metrics.Detected(failed.Timestamp - heard);
        if (provisioner.Owns(failed.AgentId) && failed.ReplacedBy is null)
            _ = provisioner.RestartAsync(failed.AgentId, failed.Reason, failed.LastHeartbeat, CancellationToken.None);
    }
}
