namespace Coordinator.Tasks.Placement;

/// <summary>
/// Wakes waiting dispatchers when capacity may have appeared (a task finished, an agent came or
/// recovered). Take the wait before looking, so a pulse between the look and the wait is not lost.
/// </summary>
public sealed class PlacementSignal
{
    TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task NextPulse => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
