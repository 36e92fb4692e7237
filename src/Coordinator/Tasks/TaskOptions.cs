using System.ComponentModel.DataAnnotations;

namespace Coordinator.Tasks;

/// <summary>What the coordinator accepts of and keeps about tasks beyond their placement, section <c>Tasks</c>.</summary>
public sealed class TaskOptions : IValidatableObject
{
    public const string Section = "Tasks";

    /// <summary>Largest checkpoint stored, in bytes of JSON (the agent's SDK refuses a larger one before sending it).</summary>
    [Range(16, 1024 * 1024)]
    public int MaxCheckpointBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long a task that ended (Completed, TimedOut, DeadLettered, Rejected, Cancelled) stays in the ledger; 0 keeps every
    /// task for ever. A pruned task is unknown to the API (404), so it cannot be re-run either.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often expired tasks are pruned.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often each coordinator looks for scheduled and recurring tasks that are due (their precision).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ScheduleSweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Limits per task type, stored at start for the types that have none stored yet (the API's changes are kept over these):
    /// <c>Tasks:Limits:{type}:MaxConcurrent</c> and <c>Tasks:Limits:{type}:PerSecond</c>.
    /// </summary>
    public Dictionary<string, LimitSettings> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public sealed class LimitSettings
    {
        public int? MaxConcurrent { get; set; }
        public double? PerSecond { get; set; }
    }

    public IReadOnlyDictionary<string, Limits.TaskTypeLimit> LimitsByType() =>
        Limits.ToDictionary(p => p.Key, p => new Limits.TaskTypeLimit(p.Value.MaxConcurrent, p.Value.PerSecond), StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (type, limit) in LimitsByType())
        {
            if (Coordinator.Tasks.Limits.TaskLimits.InvalidType(type) is { } invalid)
                yield return new ValidationResult(invalid, [$"{nameof(Limits)}:{type}"]);
            else if (limit.IsNone)
                yield return new ValidationResult("give MaxConcurrent, PerSecond or both", [$"{nameof(Limits)}:{type}"]);
            else if (limit.Problem() is { } problem)
                yield return new ValidationResult(problem, [$"{nameof(Limits)}:{type}"]);
        }
    }
}
