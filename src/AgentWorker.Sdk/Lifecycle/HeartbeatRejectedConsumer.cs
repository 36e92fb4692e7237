using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>The coordinator's word that this instance's heartbeat was refused (sent to the agent's queue).</summary>
internal sealed class HeartbeatRejectedConsumer(AgentInstance instance, AgentLifecycleService lifecycle) : IConsumer<AgentHeartbeatRejected>
{
    public Task Consume(ConsumeContext<AgentHeartbeatRejected> context)
    {
        if (context.Message.InstanceId == instance.InstanceId)
            lifecycle.Evicted(context.Message.Reason);
        return Task.CompletedTask;
    }
}
