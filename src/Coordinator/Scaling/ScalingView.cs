namespace Coordinator.Scaling;

/// <summary>The scaling metrics, as <c>GET /api/scaling</c> answers them.</summary>
public sealed record ScalingView
{
    public required bool Enabled { get; init; }
    public required string Provisioner { get; init; }
    /// <summary>Live agents (starting ones included, draining ones not).</summary>
    public required int Current { get; init; }
    /// <summary>What the last check asked for (current when it held).</summary>
    public required int Desired { get; init; }
    public required int Min { get; init; }
    public required int Max { get; init; }
    public required TimeSpan CheckInterval { get; init; }
    public required bool Predictive { get; init; }
    /// <summary>The last check's figures: utilisation, capacity, busy, waiting, oldestWaitSeconds, freeSlots, ...</summary>
    public required IReadOnlyDictionary<string, double> Numbers { get; init; }
    /// <summary>Tasks accepted per second over the last check.</summary>
    public required double ArrivalRate { get; init; }
    /// <summary>Holt's forecast of the arrival rate <see cref="ForecastHorizon"/> ahead (shown whether or not predictive scaling acts on it).</summary>
    public double? ForecastRate { get; init; }
    public required TimeSpan ForecastHorizon { get; init; }
    public required double CostPerHour { get; init; }
    public double? BudgetPerHour { get; init; }
    public required IReadOnlyList<Agent> Agents { get; init; }
    /// <summary>Waiting work that needs more agents and that no profile can serve.</summary>
    public required IReadOnlyList<Unservable> UnservableDemand { get; init; }
    public required IReadOnlyList<StartFailure> StartFailures { get; init; }
    /// <summary>"Should the fleet grow?" now, with the trigger and the reason (a held trigger says what holds it).</summary>
    public required Answer ShouldScaleUp { get; init; }
    /// <summary>"Should the fleet shrink?" now, with the reason (how long it has been idle, or what keeps it busy).</summary>
    public required Answer ShouldScaleDown { get; init; }
    public Check? LastCheck { get; init; }
    /// <summary>From the decision to start an agent until it was Active.</summary>
    public Seconds? ResponseSeconds { get; init; }
    /// <summary>The latest first.</summary>
    public required IReadOnlyList<ScalingDecisionRecord> Decisions { get; init; }
    public required IReadOnlyList<AgentProfile> Profiles { get; init; }

    /// <summary>An agent the ScalingManager runs.</summary>
    public sealed record Agent(string AgentId, string Profile, string Phase, string State, int InFlight, DateTimeOffset DecidedAt,
        DateTimeOffset? ActiveAt, DateTimeOffset? DrainingSince);

    public sealed record Unservable(string TaskType, IReadOnlyList<string> RequiredCapabilities, int Waiting);

    /// <summary>A profile whose starts failed: how often in a row, the last error, and when it is tried again (null when it may be now).</summary>
    public sealed record StartFailure(string Profile, int FailuresInARow, string LastError, DateTimeOffset At, DateTimeOffset? RetryAt);

    public sealed record Check(DateTimeOffset At, string Action, string Trigger, string Reason);

    public sealed record Answer(bool Yes, string Trigger, string Reason);

    public sealed record Seconds(int Count, double Median, double Max, double Last);
}
