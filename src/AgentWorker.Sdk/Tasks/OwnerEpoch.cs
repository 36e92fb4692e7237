namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// The latest epoch of the coordinators' lease this agent has had an assignment from: an assignment of an earlier epoch comes
/// from a coordinator that has lost the task path (paused past its lease, say) and is refused.
/// </summary>
internal sealed class OwnerEpoch
{
    long _latest;

    /// <summary>Forgets the epochs seen (at a registration: the coordinators, or their database, may be new).</summary>
    public void Reset() => Interlocked.Exchange(ref _latest, 0);

    /// <summary>True when <paramref name="epoch"/> is the latest seen or later (and it becomes the latest).</summary>
    public bool Admit(long epoch, out long latest)
    {
        while (true)
        {
            latest = Interlocked.Read(ref _latest);
            if (epoch < latest)
                return false;
            if (epoch == latest || Interlocked.CompareExchange(ref _latest, epoch, latest) == latest)
            {
                latest = epoch;
                return true;
            }
        }
    }
}
