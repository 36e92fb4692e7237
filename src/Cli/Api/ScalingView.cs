namespace CoordinatorCli.Api;

/// <summary>GET /api/scaling: the fleet the ScalingManager runs, what its last check saw, and its latest decisions.</summary>
public sealed record ScalingView
{
    public bool Enabled { get; init; }
    public string? Provisioner { get; init; }
    public int Current { get; init; }
    public int Desired { get; init; }
    public int Min { get; init; }
    public int Max { get; init; }
    public TimeSpan? CheckInterval { get; init; }
    public bool Predictive { get; init; }
    /// <summary>The last check's figures (utilisation, waiting, oldestWaitSeconds, ...); empty before the first check.</summary>
    public IReadOnlyDictionary<string, double> Numbers { get; init; } = new Dictionary<string, double>();
    public double ArrivalRate { get; init; }
    public double? ForecastRate { get; init; }
    public TimeSpan? ForecastHorizon { get; init; }
    public double CostPerHour { get; init; }
    public double? BudgetPerHour { get; init; }
    public IReadOnlyList<ScaledAgentView> Agents { get; init; } = [];
    public IReadOnlyList<UnservableDemandView> UnservableDemand { get; init; } = [];
    public IReadOnlyList<StartFailureView> StartFailures { get; init; } = [];
    public ScalingAnswerView? ShouldScaleUp { get; init; }
    public ScalingAnswerView? ShouldScaleDown { get; init; }
    public ScalingCheckView? LastCheck { get; init; }
    public ResponseSecondsView? ResponseSeconds { get; init; }
    /// <summary>The latest first.</summary>
    public IReadOnlyList<ScalingDecisionView> Decisions { get; init; } = [];
    public IReadOnlyList<AgentProfileView> Profiles { get; init; } = [];
}
