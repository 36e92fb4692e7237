using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>
/// The coordinator chose this agent for scale-down (sent to the agent's queue): it gets no new work and finishes what
/// it holds; the coordinator stops the process once it holds nothing. Said in the log, so an operator sees why.
/// </summary>
internal sealed partial class DrainRequestedConsumer(AgentInstance instance, TaskActivity activity, ILogger<DrainRequestedConsumer> logger)
    : IConsumer<DrainAgent>
{
    public Task Consume(ConsumeContext<DrainAgent> context)
    {
        if (context.Message.InstanceId == instance.InstanceId)
            LogDraining(instance.AgentId, activity.Active);
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} draining at the coordinator's request: finishing {ActiveTasks} running task(s), then it stops")]
    partial void LogDraining(string agentId, int activeTasks);
}
