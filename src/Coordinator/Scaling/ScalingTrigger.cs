namespace Coordinator.Scaling;

/// <summary>What made the ScalingManager act (names as shown in /api/scaling and the scaling events).</summary>
public enum ScalingTrigger
{
    /// <summary>Nothing fired.</summary>
    None,
    /// <summary>Fewer live agents than MinAgents (at start, or after a stop).</summary>
    BelowMinimum,
    /// <summary>An agent it ran failed and the fleet fell below MinAgents: replaced at once, bypassing the cooldown.</summary>
    AgentFailed,
    /// <summary>Waiting tasks per free slot of the agents able to run them above BacklogPerSlotThreshold.</summary>
    Backlog,
    /// <summary>The oldest waiting task has waited longer than WaitTarget.</summary>
    WaitTime,
    /// <summary>Slot utilisation above ScaleUpThreshold.</summary>
    Utilisation,
    /// <summary>The forecast arrival rate needs more slots than the fleet has (predictive scaling).</summary>
    Forecast,
    /// <summary>No backlog, waits within target and utilisation below ScaleDownThreshold, for the stabilisation window.</summary>
    Idle,
    /// <summary>An operator asked (POST /api/scaling/up or /down).</summary>
    Manual,
}
