using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Coordinator.Agents;

/// <summary>Publishes AgentHeartbeatRejected and logs the reason; used for unknown, stale and failed agents.</summary>
public static partial class HeartbeatRejection
{
    /// <summary>Not sent to an agent queue: an unknown id must not make the broker create queues (a live agent re-registers on its own).</summary>
    public static Task UnknownAgent(ConsumeContext<AgentHeartbeat> context) =>
        Reject(context, $"agent '{context.Message.AgentId}' is not registered", tellAgent: false);

    /// <summary>Published for watchers, and sent to the (known) agent's own queue so that the instance learns it was evicted.</summary>
    public static async Task Reject(ConsumeContext<AgentHeartbeat> context, string reason, bool tellAgent = true)
    {
        var logger = context.GetServiceOrCreateInstance<ILogger<AgentStateMachine>>();
        var time = context.GetServiceOrCreateInstance<TimeProvider>();
        LogRejected(logger, context.Message.AgentId, context.Message.InstanceId, reason);
        var rejected = new AgentHeartbeatRejected
        {
            AgentId = context.Message.AgentId ?? "",
            InstanceId = context.Message.InstanceId,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        };
        await context.Publish(rejected, context.CancellationToken);
        if (tellAgent)
        {
            var agentQueue = await context.GetSendEndpoint(context.GetServiceOrCreateInstance<RabbitMqOptions>().QueueAddress(EntityNames.AgentQueue(rejected.AgentId)));
            await agentQueue.Send(rejected, ctx => ctx.TimeToLive = TimeSpan.FromMinutes(1), context.CancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Heartbeat from agent {AgentId} (instance {InstanceId}) rejected: {Reason}")]
    static partial void LogRejected(ILogger logger, string? agentId, Guid instanceId, string reason);
}
