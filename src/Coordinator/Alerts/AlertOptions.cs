using System.ComponentModel.DataAnnotations;
using Coordinator.Hosting;

namespace Coordinator.Alerts;

/// <summary>
/// Section <c>Alerts</c>: the rules the coordinator watches, each with a threshold and how long its condition must hold
/// before the alert is raised; where alerts go besides <c>coordinator.alerts</c> and <c>GET /api/alerts</c>.
/// </summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "Alerts";

    public bool Enabled { get; set; } = true;

    /// <summary>How often the rules are evaluated.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EvaluateEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed attempts over finished ones within <see cref="ErrorRateRule.Window"/> above <c>Threshold</c> (a ratio).</summary>
    public ErrorRateRule ErrorRate { get; set; } = new();

    /// <summary>The oldest task waiting for an agent has waited longer than <c>Threshold</c>.</summary>
    public DurationRule OldestWait { get; set; } = new() { Threshold = TimeSpan.FromMinutes(5), For = TimeSpan.FromSeconds(30) };

    /// <summary>Work waits and no agent is Active.</summary>
    public Rule NoActiveAgent { get; set; } = new() { For = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// An agent failed within <c>Window</c> and is still Failed (one alert per agent; resolved when it registers again, is
    /// unregistered or forgotten, or the failure is older than the window: a fleet that died with its machine last week
    /// does not page anyone when the coordinator starts again).
    /// </summary>
    public AgentFailedRule AgentFailed { get; set; } = new();

    /// <summary>At least <c>Threshold</c> tasks were dead-lettered within <c>Window</c>.</summary>
    public DeadLetterRule DeadLetters { get; set; } = new();

    /// <summary>Where raised and resolved alerts are also POSTed as JSON; unset: nowhere.</summary>
    [Url]
    public string? WebhookUrl { get; set; }

    /// <summary>Attempts per alert at the webhook (a failed one is tried again after 1 s, 2 s, 4 s, …), then it is dropped and logged.</summary>
    [Range(1, 10)]
    public int WebhookAttempts { get; set; } = 4;

    /// <summary>Alerts waiting to be sent to the webhook; beyond it the oldest are dropped (a dead webhook must not grow memory).</summary>
    [Range(1, 100_000)]
    public int WebhookQueueLimit { get; set; } = 1000;

    public class Rule
    {
        public bool Enabled { get; set; } = true;

        /// <summary>How long the condition must hold before the alert is raised.</summary>
        [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
        public TimeSpan For { get; set; }
    }

    public sealed class ErrorRateRule : Rule
    {
        [Range(0.0, 1.0)]
        public double Threshold { get; set; } = 0.5;

        [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Fewer finished attempts than this in the window say nothing (two failures of two tasks are not a rate).</summary>
        [Range(1, 1_000_000)]
        public int MinAttempts { get; set; } = 10;

        public ErrorRateRule() => For = TimeSpan.FromMinutes(1);
    }

    public sealed class AgentFailedRule : Rule
    {
        [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
        public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
    }

    public sealed class DurationRule : Rule
    {
        [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
        public TimeSpan Threshold { get; set; }
    }

    public sealed class DeadLetterRule : Rule
    {
        [Range(1, 1_000_000)]
        public int Threshold { get; set; } = 1;

        [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
        public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, rule) in new (string, object)[]
                 {
                     (nameof(ErrorRate), ErrorRate), (nameof(OldestWait), OldestWait), (nameof(NoActiveAgent), NoActiveAgent),
                     (nameof(AgentFailed), AgentFailed), (nameof(DeadLetters), DeadLetters),
                 })
        {
            foreach (var result in NestedValidation.Validate(rule, name))
                yield return result;
        }
    }
}
