using Coordinator.Ownership;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Ownership;

/// <summary>
/// Whether this coordinator owns the task path, by its own clock: the lease held and not run out since it was last renewed.
/// Work that finds it not the owner waits: for a renewal (it was only held up, and no other took the lease) or for the end.
/// </summary>
public sealed class The_task_path_lease
{
    readonly FakeTimeProvider _time = new();
    readonly TaskPathOwnership _ownership;

    public The_task_path_lease() => _ownership = new TaskPathOwnership(_time);

    long In(TimeSpan span) => _time.GetTimestamp() + (long)(span.TotalSeconds * _time.TimestampFrequency);

    [Fact]
    public void Is_owned_until_it_runs_out_by_this_processs_clock()
    {
        Assert.False(_ownership.IsOwner);
        _ownership.Hold(3, In(TimeSpan.FromSeconds(2)));
        Assert.True(_ownership.IsOwner);
        Assert.Equal(3, _ownership.Epoch);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_ownership.IsOwner);
        Assert.Equal("standby", _ownership.Role);
    }

    [Fact]
    public void A_renewal_after_it_ran_out_says_how_late_it_came_and_owns_it_again()
    {
        _ownership.Hold(1, In(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.Zero, _ownership.Extend(In(TimeSpan.FromSeconds(2))));
        _time.Advance(TimeSpan.FromSeconds(3.5));
        Assert.False(_ownership.IsOwner);
        Assert.Equal(TimeSpan.FromSeconds(1.5), _ownership.Extend(In(TimeSpan.FromSeconds(2))));
        Assert.True(_ownership.IsOwner);
    }

    [Fact]
    public async Task Held_work_goes_on_when_the_lease_is_renewed()
    {
        _ownership.Hold(1, In(TimeSpan.FromSeconds(1)));
        _time.Advance(TimeSpan.FromSeconds(1));
        var held = _ownership.HoldAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(held.IsCompleted);
        _ownership.Extend(In(TimeSpan.FromSeconds(1)));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await held.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Held_work_waits_for_the_end_once_the_lease_is_lost()
    {
        _ownership.Hold(1, In(TimeSpan.FromSeconds(10)));
        _ownership.Lose();
        using var stopping = new CancellationTokenSource();
        var held = _ownership.HoldAsync(stopping.Token);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(held.IsCompleted);
        stopping.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
