using System.ComponentModel.DataAnnotations;

namespace Coordinator;

/// <summary>
/// The seed's CoordinatorConfig, section <c>Coordinator</c>. Defaults are tuned for a fast-reacting
/// fleet: a 1 s heartbeat and failure after 3 missed beats (see README, "Configuration").
/// </summary>
public sealed class CoordinatorOptions : IValidatableObject
{
    public const string Section = "Coordinator";

    /// <summary>Where the HTTP API and dashboard listen.</summary>
    [Required(AllowEmptyStrings = false)]
    public string HttpUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The interval agents heartbeat at; silence is measured in multiples of it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed heartbeats after which an agent is unhealthy (no new work).</summary>
    [Range(1, 100)]
    public int UnhealthyThreshold { get; set; } = 2;

    /// <summary>Missed heartbeats after which an agent is failed and its work is moved.</summary>
    [Range(1, 100)]
    public int FailureThreshold { get; set; } = 3;

    /// <summary>
    /// How often what the agents' heartbeats said (last heard, usage, load) is written to the saga store, in one batch.
    /// Heartbeats themselves are taken in memory; only changes of state go through the saga at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LivenessPersistInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the health sweep looks for silent agents.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HealthSweepInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest a task may run when it carries no deadline of its own.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "7.00:00:00")]
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after an assignment's deadline the coordinator waits for its result before failing it as lost.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan AssignmentGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts before a failing task is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Default placement strategy: RoundRobin, LeastConnections, ResourceBased, CapabilityBased, Weighted, or a plug-in's name.</summary>
    [Required(AllowEmptyStrings = false)]
    public string LoadBalancingStrategy { get; set; } = "LeastConnections";

    /// <summary>Strategy per task type, overriding the default (e.g. <c>Coordinator:StrategyByTaskType:compute = ResourceBased</c>).</summary>
    public Dictionary<string, string> StrategyByTaskType { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Assignments an agent may hold beyond its concurrency (the rest of the backlog waits in coordinator.dispatch).</summary>
    [Range(0, 1000)]
    public int AgentQueueBuffer { get; set; } = 2;

    /// <summary>
    /// Longest the dispatcher holds one waiting task's delivery: then it sends the task back to coordinator.dispatch as a
    /// fresh copy and acknowledges the old one. Keep it well under the broker's consumer_timeout (30 min by default), which
    /// closes a channel whose delivery stays unacknowledged longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:25:00")]
    public TimeSpan DispatchHoldLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tasks the dispatcher holds while waiting for an agent (prefetch of coordinator.dispatch).</summary>
    [Range(1, 1000)]
    public int DispatchConcurrency { get; set; } = 16;

    /// <summary>Largest accepted payload, in bytes of JSON.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>Largest HTTP request body taken, in bytes (413 beyond it).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Deepest nesting of a task's payload (objects and arrays within each other); a deeper one is refused with a reason.</summary>
    [Range(1, 60)]
    public int MaxPayloadDepth { get; set; } = 32;

    /// <summary>
    /// Most messages kept in each of the coordinator's error queues (<c>*_error</c>, <c>*_skipped</c>): older ones are dropped
    /// first. Applied as a RabbitMQ operator policy, so it holds whatever policies the broker's operators add.
    /// </summary>
    [Range(1, 10_000_000)]
    public int ErrorQueueMaxLength { get; set; } = 10_000;

    /// <summary>Longest a message is kept in an error queue.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ErrorQueueMaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an agent Failed or Unregistered is remembered (listed, and its row kept) before it is forgotten.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan AgentRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>First retry delay; doubles with each further attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UnhealthyThreshold > FailureThreshold)
            yield return new ValidationResult(
                $"must not exceed FailureThreshold ({FailureThreshold}), was {UnhealthyThreshold}", [nameof(UnhealthyThreshold)]);
        if (!Uri.TryCreate(HttpUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            yield return new ValidationResult($"must be an absolute http(s) URL, was '{HttpUrl}'", [nameof(HttpUrl)]);
    }
}
