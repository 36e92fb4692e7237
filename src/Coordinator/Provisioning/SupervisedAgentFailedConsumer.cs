using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Provisioning;

/// <summary>A supervised agent (Provisioning:Agents) declared failed is restarted under its id, after the provisioner's backoff.</summary>
public sealed class SupervisedAgentFailedConsumer(IAgentProvisioner provisioner) : IConsumer<AgentFailed>
{
    public Task Consume(ConsumeContext<AgentFailed> context)
    {
        var failed = context.Message;
        // A new instance that took the id over is already the restart; RestartAsync itself ignores agents it does not supervise.
        if (failed.ReplacedBy is null && provisioner.Owns(failed.AgentId) && context.GetRetryAttempt() == 0)
            _ = provisioner.RestartAsync(failed.AgentId, failed.Reason, failed.LastHeartbeat, CancellationToken.None);
        return Task.CompletedTask;
    }
}
