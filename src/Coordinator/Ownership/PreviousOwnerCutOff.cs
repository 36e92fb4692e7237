using Coordinator.Messaging;

namespace Coordinator.Ownership;

/// <summary>
/// First when this coordinator takes the lease from another that did not let it go: that one's broker connection is closed.
/// A killed owner's connection is gone already; a paused one's stays open until the broker misses its heartbeats (20 s or so),
/// and meanwhile the broker goes on handing it its share of the owner's queues (heartbeats, results, submissions) up to each
/// queue's prefetch, which it holds unconsumed: a live agent whose heartbeats all went to it was failed by the new owner. Closed,
/// what it held goes back to the queues at once, for this owner. Best effort: when the broker cannot be asked, the takeover goes on.
/// </summary>
public sealed partial class PreviousOwnerCutOff(TaskPathOwnership ownership, BrokerQueues broker, ILogger<PreviousOwnerCutOff> logger)
    : IOwnerActivation
{
    public int Order => 0;

    /// <summary>Longest the takeover waits for it: a management node that hangs must not hold up the takeover's seconds.</summary>
    static readonly TimeSpan Budget = TimeSpan.FromSeconds(1.5);

    /// <summary>The name a coordinator's bus connection goes by at the broker: one per process, so the next owner can close it.</summary>
    public static string ConnectionName(string instanceId) => $"coordinator {instanceId}";

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (ownership.PreviousHolder is not { Length: > 0 } previous || previous == ownership.InstanceId)
            return;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            var closed = await broker.CloseConnectionsAsync(ConnectionName(previous),
                $"coordinator {ownership.InstanceId} took the task path's lease (epoch {ownership.Epoch}) from it", budget.Token);
            if (closed > 0)
                LogClosed(closed, previous);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Best effort, whatever went wrong (the broker out of reach or slow, an answer not as expected): the takeover goes on.
            LogFailed(previous, budget.IsCancellationRequested ? $"no answer within {Budget.TotalSeconds} s" : ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Closed {Count} broker connection(s) of the previous owner {Previous}: what it held goes back to the owner's queues")]
    partial void LogClosed(int count, string previous);

    [LoggerMessage(LogLevel.Warning, "Could not close the previous owner {Previous}'s broker connection: {Error}; what it holds returns when the broker misses its heartbeats")]
    partial void LogFailed(string previous, string error);
}
