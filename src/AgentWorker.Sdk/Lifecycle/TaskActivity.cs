namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>
/// Counts the tasks running on this agent and the failures it has seen (reported with every
/// heartbeat), and cancels every running task at once when the coordinator says this instance was evicted.
/// </summary>
internal sealed class TaskActivity : IDisposable
{
    int _active;
    int _errors;
    CancellationTokenSource _eviction = new();

    /// <summary>Cancelled when the coordinator has evicted this instance: its running work is stale.</summary>
    public CancellationToken Eviction => Volatile.Read(ref _eviction).Token;

    /// <summary>
    /// Tasks starting from now get a fresh token; returns the source of the tasks started before, so that
    /// they alone can be cancelled. Old sources are not disposed: a task starting right now may still read one.
    /// </summary>
    public CancellationTokenSource BeginGeneration() => Interlocked.Exchange(ref _eviction, new CancellationTokenSource());

    /// <summary>Cancels every task started so far.</summary>
    public void Evict() => BeginGeneration().Cancel();

    public void Dispose() => _eviction.Dispose();

    public int Active => Volatile.Read(ref _active);
    public int Errors => Volatile.Read(ref _errors);

    public void Started() => Interlocked.Increment(ref _active);
    public void Finished() => Interlocked.Decrement(ref _active);
    public void Failed() => Interlocked.Increment(ref _errors);
}
