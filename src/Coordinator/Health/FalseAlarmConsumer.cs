using Coordinator.Tasks.Recovery;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Health;

/// <summary>An agent declared failed came back as the same instance: it was alive after all, a false positive of detection.</summary>
public sealed class FalseAlarmConsumer(RecoveryMetrics metrics) : IConsumer<AgentRegistered>
{
    public Task Consume(ConsumeContext<AgentRegistered> context)
    {
        if (context.Message.WasEvicted)
            metrics.FalseAlarm();
        return Task.CompletedTask;
    }
}
