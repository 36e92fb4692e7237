using System.ComponentModel.DataAnnotations;

namespace Coordinator.Scaling;

/// <summary>
/// The seed's ScalingConfig, section <c>Scaling</c>: when and how far the ScalingManager grows and shrinks the
/// fleet, and the agent profiles it starts. Validated at start; a bad value stops the host naming its key.
/// </summary>
public sealed class ScalingOptions : IValidatableObject
{
    public const string Section = "Scaling";

    public bool Enabled { get; set; }

    /// <summary>The fleet never shrinks below this many live agents; fewer (at start, or after a failure) are replaced at once.</summary>
    [Range(0, 10_000)]
    public int MinAgents { get; set; } = 1;

    /// <summary>The fleet never grows beyond this many live agents.</summary>
    [Range(1, 10_000)]
    public int MaxAgents { get; set; } = 10;

    /// <summary>How often the Quartz check runs (the design's 120 s is far slower than an agent starts; see README).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Slot utilisation (0-1) above which agents are added.</summary>
    [Range(0.0, 1.0)]
    public double ScaleUpThreshold { get; set; } = 0.8;

    /// <summary>Slot utilisation (0-1) below which, with no backlog, agents are removed.</summary>
    [Range(0.0, 1.0)]
    public double ScaleDownThreshold { get; set; } = 0.3;

    /// <summary>Waiting tasks per free slot (of the agents able to run them) above which agents are added.</summary>
    [Range(0.0, 1_000_000.0)]
    public double BacklogPerSlotThreshold { get; set; } = 1.0;

    /// <summary>Waiting tasks at or below which the backlog counts as gone (a condition of scaling down).</summary>
    [Range(0, 1_000_000)]
    public int BacklogDownThreshold { get; set; }

    /// <summary>How long the oldest waiting task may have waited before agents are added.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan WaitTarget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most agents started by one decision.</summary>
    [Range(1, 1000)]
    public int ScaleUpStep { get; set; } = 2;

    /// <summary>Most agents stopped by one decision.</summary>
    [Range(1, 1000)]
    public int ScaleDownStep { get; set; } = 1;

    /// <summary>After a scale-up, no further scale-up for this long (replacing a failed agent below the minimum is exempt).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ScaleUpCooldown { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After any scaling, no scale-down for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ScaleDownCooldown { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The scale-down conditions must all hold, without a break, for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ScaleDownStabilization { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an agent chosen for scale-down may take to finish what it holds; then what remains is moved (fenced) and it is stopped.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a started agent may take to become Active before the start counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait after a failed start of a profile before trying it again; doubles with each failure in a row.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StartRetryBackoff { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxStartRetryBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most the fleet's profiles may cost per hour together; unset means no budget.</summary>
    [Range(0.0, double.MaxValue)]
    public double? BudgetPerHour { get; set; }

    /// <summary>Scale ahead of a ramp: forecast the arrival rate (Holt's linear trend) and start agents before the backlog shows.</summary>
    public bool Predictive { get; set; }

    /// <summary>How far ahead the forecast looks: about the time a new agent takes to become Active, plus a check.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ForecastHorizon { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Holt's smoothing of the level (0-1]: higher follows the latest rate more closely.</summary>
    [Range(0.01, 1.0)]
    public double ForecastAlpha { get; set; } = 0.5;

    /// <summary>Holt's smoothing of the trend (0-1].</summary>
    [Range(0.01, 1.0)]
    public double ForecastBeta { get; set; } = 0.3;

    /// <summary>How often queued, not started assignments on an agent that fell behind are moved to agents with free slots.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LoadBalanceInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An agent whose mean task duration is this many times its peers' median has fallen behind.</summary>
    [Range(1.0, 1000.0)]
    public double RebalanceSlowFactor { get; set; } = 3.0;

    /// <summary>The agents the ScalingManager may start; the first is the default (used to reach the minimum).</summary>
    public List<AgentProfile> Profiles { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinAgents > MaxAgents)
            yield return new ValidationResult($"must not exceed MaxAgents ({MaxAgents}), was {MinAgents}", [nameof(MinAgents)]);
        if (ScaleDownThreshold >= ScaleUpThreshold)
            yield return new ValidationResult(
                $"must be below ScaleUpThreshold ({ScaleUpThreshold}), was {ScaleDownThreshold}", [nameof(ScaleDownThreshold)]);
        if (StartRetryBackoff > MaxStartRetryBackoff)
            yield return new ValidationResult(
                $"must not exceed MaxStartRetryBackoff ({MaxStartRetryBackoff}), was {StartRetryBackoff}", [nameof(StartRetryBackoff)]);
        if (Enabled && Profiles.Count == 0)
            yield return new ValidationResult("must list at least one agent profile when scaling is enabled (e.g. Scaling:Profiles:0:Name = default)",
                [nameof(Profiles)]);
        for (var i = 0; i < Profiles.Count; i++)
        {
            foreach (var problem in Profiles[i].Problems())
                yield return new ValidationResult(problem.Message, [$"{nameof(Profiles)}:{i}:{problem.Key}"]);
        }
        foreach (var duplicate in Profiles.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            yield return new ValidationResult($"profile name '{duplicate.Key}' is used more than once", [nameof(Profiles)]);
        if (Enabled && BudgetPerHour is { } budget && Profiles.Count > 0 && MinAgents * Profiles[0].CostPerHour > budget)
            yield return new ValidationResult(
                $"{budget}/h cannot pay for MinAgents ({MinAgents}) of the default profile '{Profiles[0].Name}' at {Profiles[0].CostPerHour}/h each",
                [nameof(BudgetPerHour)]);
    }
}
