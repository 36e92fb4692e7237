namespace Coordinator.Ownership;

/// <summary>
/// Whether this coordinator owns the task path now: it holds the lease (epoch <see cref="Epoch"/>) and, by its own monotonic
/// clock, the lease has not run out since it was last renewed. A process paused past its lease (SIGSTOP, a long GC) finds
/// itself no longer the owner the moment it runs again, before it could act; the epoch fences whatever was already under way.
/// </summary>
public sealed class TaskPathOwnership(TimeProvider time)
{
    long _validUntil;
    long _epoch = -1;
    volatile bool _owner;
    readonly TaskCompletionSource _firstOwned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This process's name in the lease.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public bool IsOwner => _owner && time.GetTimestamp() < Interlocked.Read(ref _validUntil);

    /// <summary>The epoch of the lease held (or last held); -1 before any.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>The owner, its queues consumed (not still restoring and connecting them).</summary>
    public bool IsActive => IsOwner && _firstOwned.Task.IsCompleted;

    public string Role => IsActive ? "owner" : IsOwner ? "taking-over" : "standby";

    /// <summary>Who held the lease before this coordinator took it (null when none was seen: the first owner).</summary>
    public string? PreviousHolder { get; internal set; }

    /// <summary>Where the owner answers, as the lease says (null when unknown or this is it).</summary>
    public string? OwnerUrl { get; internal set; }

    /// <summary>Completes when this process first becomes the owner.</summary>
    public Task Owned => _firstOwned.Task;

    /// <summary>The lease is held, valid by this process's clock until <paramref name="validUntil"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    internal void Hold(long epoch, long validUntil)
    {
        Interlocked.Exchange(ref _epoch, epoch);
        Interlocked.Exchange(ref _validUntil, validUntil);
        _owner = true;
        OwnerUrl = null;
    }

    /// <summary>The lease was renewed; how long it had already run out by this process's clock when it was (zero if it had not).</summary>
    internal TimeSpan Extend(long validUntil)
    {
        var late = time.GetElapsedTime(Interlocked.Exchange(ref _validUntil, validUntil));
        return late > TimeSpan.Zero ? late : TimeSpan.Zero;
    }

    internal void Activated() => _firstOwned.TrySetResult();

    readonly CancellationTokenSource _lost = new();

    /// <summary>Cancelled when this coordinator has lost the lease for good (it acts no more, and stops).</summary>
    public CancellationToken Lost => _lost.Token;

    internal void Lose()
    {
        _owner = false;
        try
        {
            _lost.Cancel();
        }
        catch (AggregateException)
        {
            // a callback's failure is its own; the loss stands
        }
    }

    /// <summary>
    /// What work does when it finds this coordinator not the owner now: it waits until the lease is renewed (this process was
    /// only held up past it, and no other took it) or until the host stops, having lost it (and <paramref name="cancellationToken"/>
    /// with it), so its message goes back to the queue unacknowledged, not to an error queue.
    /// </summary>
    public async Task HoldAsync(CancellationToken cancellationToken)
    {
        while (!IsOwner)
            await Task.Delay(HoldPoll, time, cancellationToken);
    }

    static readonly TimeSpan HoldPoll = TimeSpan.FromMilliseconds(100);
}
