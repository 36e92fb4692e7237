namespace Coordinator.Ownership;

/// <summary>
/// The task path's lease in the database: who holds it, until when (the database's clock), and its epoch, one higher at every
/// change of hands: the fencing token every ledger write of the holder is checked against.
/// </summary>
public class LeaseRecord
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    /// <summary>The holder's HTTP address, so a standby can say where the owner is.</summary>
    public string? HolderUrl { get; set; }
    public long Epoch { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset AcquiredAt { get; set; }
}
