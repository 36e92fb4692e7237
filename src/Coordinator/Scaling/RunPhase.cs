namespace Coordinator.Scaling;

/// <summary>Where an agent the ScalingManager started is in its life: started and not yet Active, serving, or draining before its stop.</summary>
public enum RunPhase
{
    Starting,
    Running,
    Draining,
}
