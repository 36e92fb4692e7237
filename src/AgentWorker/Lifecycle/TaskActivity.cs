namespace AgentWorker.Lifecycle;

/// <summary>Counts the tasks running on this agent and the failures it has seen; reported with every heartbeat.</summary>
public sealed class TaskActivity
{
    int _active;
    int _errors;

    public int Active => Volatile.Read(ref _active);
    public int Errors => Volatile.Read(ref _errors);

    public void Started() => Interlocked.Increment(ref _active);
    public void Finished() => Interlocked.Decrement(ref _active);
    public void Failed() => Interlocked.Increment(ref _errors);
}
