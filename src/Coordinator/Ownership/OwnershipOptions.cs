using System.ComponentModel.DataAnnotations;

namespace Coordinator.Ownership;

/// <summary>
/// Section <c>Ownership</c>: the lease that makes one coordinator the owner of the task path when several share one PostgreSQL
/// database (with SQLite there is one coordinator, always the owner).
/// </summary>
public sealed class OwnershipOptions : IValidatableObject
{
    public const string Section = "Ownership";

    /// <summary>How long a lease lasts unrenewed: a standby takes over at most this long after the owner stops renewing.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the owner renews its lease.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>How often a standby tries to take an expired lease.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan AcquireInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RenewInterval * 3 > LeaseTtl)
            yield return new ValidationResult($"must be at most a third of LeaseTtl ({LeaseTtl}), so a renewal or two may fail without losing the lease",
                [nameof(RenewInterval)]);
    }
}
