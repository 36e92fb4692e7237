using System.ComponentModel.DataAnnotations;

namespace Coordinator.Health;

/// <summary>
/// Failure and degradation detection beyond the fixed heartbeat timeout, section <c>Coordinator:Detection</c>.
/// Heartbeat counts are in multiples of <c>Coordinator:HeartbeatInterval</c>.
/// </summary>
public sealed class DetectionOptions : IValidatableObject
{
    public const string Section = "Coordinator:Detection";

    /// <summary>Phi (suspicion, -log10 of the chance the next heartbeat is merely late) at which a silent agent is failed.</summary>
    [Range(1.0, 50.0)]
    public double PhiThreshold { get; set; } = 8.0;

    /// <summary>Phi may fail an agent no earlier than this many intervals of silence (Coordinator:FailureThreshold is the latest).</summary>
    [Range(1.0, 100.0)]
    public double EarliestFailureHeartbeats { get; set; } = 2.5;

    /// <summary>Intervals between heartbeats remembered per agent for phi.</summary>
    [Range(5, 10_000)]
    public int PhiWindow { get; set; } = 100;

    /// <summary>Floor of the heartbeat jitter phi assumes, so a very regular agent is not failed on the first late beat.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PhiMinStdDeviation { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>An agent with no consumer on its queue (its process or connection is gone) is failed after this many intervals of silence.</summary>
    [Range(1.0, 100.0)]
    public double ConsumerLossHeartbeats { get; set; } = 1.5;

    /// <summary>
    /// An agent that heartbeats but has had no consumer on its queue for this many intervals is failed too: it cannot
    /// receive work (Unhealthy after 2), and what waits in its queue is moved.
    /// </summary>
    [Range(2.0, 1000.0)]
    public double DeafFailureHeartbeats { get; set; } = 10.0;

    /// <summary>
    /// Probe agents' queues for their consumer (a passive declare on the broker, exact and immediate): every agent already
    /// silent for an interval (at most <see cref="MaxSuspectProbes"/> a sweep), and <see cref="RoutineProbes"/> others in turn.
    /// </summary>
    public bool ProbeConsumers { get; set; } = true;

    /// <summary>Silent agents whose queue is probed per sweep, at most (the rest wait for the next sweep).</summary>
    [Range(1, 10_000)]
    public int MaxSuspectProbes { get; set; } = 100;

    /// <summary>Agents heard from lately whose queue is probed per sweep, in turn (to find one that heartbeats but cannot receive work).</summary>
    [Range(0, 10_000)]
    public int RoutineProbes { get; set; } = 10;

    /// <summary>
    /// Measure the heartbeats still waiting in the coordinator's queues at each sweep (a passive declare): silence is judged
    /// net of that backlog, so a coordinator that falls behind never fails agents for the silence it caused.
    /// </summary>
    public bool ProbeBacklog { get; set; } = true;

    /// <summary>Verdicts (failed, unhealthy, assessed) published per sweep, at most; the rest follow in the next sweeps.</summary>
    [Range(1, 100_000)]
    public int MaxVerdictsPerSweep { get; set; } = 256;

    /// <summary>
    /// A verdict is sent once per transition; it is sent again only if the agent's state machine has not taken it this long
    /// after, and the agent has stayed silent (a lost message, not a slow queue).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VerdictResendAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The whole fleet is reloaded from the saga store this often (each agent also on its every state change).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RegistryReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Reported memory or disk use, as a share of what the agent declared, at which the coordinator calls it Degraded.</summary>
    [Range(0.01, 10.0)]
    public double ResourceDegradedRatio { get; set; } = 0.80;

    /// <summary>... and Unhealthy (no new work).</summary>
    [Range(0.01, 10.0)]
    public double ResourceUnhealthyRatio { get; set; } = 0.95;

    /// <summary>Results per agent in the recent window compared against its baseline.</summary>
    [Range(3, 1000)]
    public int PerformanceWindow { get; set; } = 10;

    /// <summary>Results an agent must have delivered before it has a baseline to be judged against.</summary>
    [Range(3, 100_000)]
    public int BaselineResults { get; set; } = 20;

    /// <summary>Recent median duration, as a multiple of the agent's own baseline for that task type, at which it is Degraded.</summary>
    [Range(1.1, 1000.0)]
    public double LatencyDegradedFactor { get; set; } = 3.0;

    /// <summary>Recent error rate above the agent's own baseline rate (0..1) at which it is Degraded.</summary>
    [Range(0.01, 1.0)]
    public double ErrorRateDegradedIncrease { get; set; } = 0.5;

    /// <summary>Results older than this no longer count as recent (an idle agent's old slowness is forgotten).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PerformanceMemory { get; set; } = TimeSpan.FromMinutes(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ResourceDegradedRatio > ResourceUnhealthyRatio)
            yield return new ValidationResult(
                $"must not exceed ResourceUnhealthyRatio ({ResourceUnhealthyRatio}), was {ResourceDegradedRatio}", [nameof(ResourceDegradedRatio)]);
    }
}
