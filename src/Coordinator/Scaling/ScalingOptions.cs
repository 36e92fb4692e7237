using System.ComponentModel.DataAnnotations;

namespace Coordinator.Scaling;

/// <summary>The seed's ScalingConfig, section <c>Scaling</c>.</summary>
public sealed class ScalingOptions : IValidatableObject
{
    public const string Section = "Scaling";

    public bool Enabled { get; set; }

    [Range(0, 10_000)]
    public int MinAgents { get; set; } = 1;

    [Range(1, 10_000)]
    public int MaxAgents { get; set; } = 10;

    /// <summary>Fleet utilisation (0-1) above which an agent is added.</summary>
    [Range(0.0, 1.0)]
    public double ScaleUpThreshold { get; set; } = 0.8;

    /// <summary>Fleet utilisation (0-1) below which an agent is removed.</summary>
    [Range(0.0, 1.0)]
    public double ScaleDownThreshold { get; set; } = 0.2;

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CooldownPeriod { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinAgents > MaxAgents)
            yield return new ValidationResult($"must not exceed MaxAgents ({MaxAgents}), was {MinAgents}", [nameof(MinAgents)]);
        if (ScaleDownThreshold >= ScaleUpThreshold)
            yield return new ValidationResult(
                $"must be below ScaleUpThreshold ({ScaleUpThreshold}), was {ScaleDownThreshold}", [nameof(ScaleDownThreshold)]);
    }
}
