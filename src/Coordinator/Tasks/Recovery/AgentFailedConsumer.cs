using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Recovery;

/// <summary>A failed agent's work goes back to the dispatcher, with its next attempt (fenced).</summary>
public sealed class AgentFailedConsumer(AgentRecovery recovery, RecoveryMetrics metrics) : IConsumer<AgentFailed>
{
    public async Task Consume(ConsumeContext<AgentFailed> context)
    {
        var failed = context.Message;
        // When a new instance took the id over, only work given to the one it replaced moves (the new one may hold newer
        // work, and consumes the queue); otherwise everything the agent holds moves, including what reached it just now.
        var replaced = failed.ReplacedBy is not null;
        await recovery.RecoverAsync(failed.AgentId, failed.Reason, failed.LastHeartbeat, context, context.CancellationToken,
            assignedBefore: replaced ? failed.Timestamp : null, drainQueue: !replaced);
        if (context.GetRetryAttempt() > 0)
            return;
        if (replaced)
            metrics.Missed(); // a new instance took the id over before the detector's verdict: a failure it did not catch
        else if (failed.LastHeartbeat is { } heard)
            metrics.Detected(failed.Timestamp - heard);
    }
}
