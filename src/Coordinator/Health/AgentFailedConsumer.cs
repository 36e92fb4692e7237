using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Health;

/// <summary>A failed agent's work goes back to the dispatcher.</summary>
public sealed class AgentFailedConsumer(AgentRecovery recovery, RecoveryMetrics metrics) : IConsumer<AgentFailed>
{
    public async Task Consume(ConsumeContext<AgentFailed> context)
    {
        var failed = context.Message;
        if (failed.LastHeartbeat is { } heard)
            metrics.Detected(failed.Timestamp - heard);
        await recovery.RecoverAsync(failed.AgentId, failed.Reason, failed.LastHeartbeat, context, context.CancellationToken);
    }
}
