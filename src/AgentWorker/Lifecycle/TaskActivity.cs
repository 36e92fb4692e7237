namespace AgentWorker.Lifecycle;

/// <summary>
/// Counts the tasks running on this agent and the failures it has seen (reported with every
/// heartbeat), and cancels every running task at once when the coordinator says this instance was evicted.
/// </summary>
public sealed class TaskActivity : IDisposable
{
    int _active;
    int _errors;
    CancellationTokenSource _eviction = new();

    /// <summary>Cancelled when the coordinator has evicted this instance: its running work is stale.</summary>
    public CancellationToken Eviction => Volatile.Read(ref _eviction).Token;

    public void Evict()
    {
        var evicted = Interlocked.Exchange(ref _eviction, new CancellationTokenSource());
        evicted.Cancel();
        evicted.Dispose();
    }

    public void Dispose() => _eviction.Dispose();

    public int Active => Volatile.Read(ref _active);
    public int Errors => Volatile.Read(ref _errors);

    public void Started() => Interlocked.Increment(ref _active);
    public void Finished() => Interlocked.Decrement(ref _active);
    public void Failed() => Interlocked.Increment(ref _errors);
}
