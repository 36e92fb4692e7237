using Coordinator.Contracts;

namespace Coordinator.Agents;

/// <summary>What a heartbeat means against the agent's saga as the registry holds it: pure decisions, unit-tested.</summary>
public static class HeartbeatRules
{
    /// <summary>Why the heartbeat is refused (the agent was declared Failed, or it is not the registered instance); null to take it.</summary>
    public static string? Refused(AgentState saga, AgentHeartbeat heartbeat)
    {
        var current = saga.InstanceId == heartbeat.InstanceId;
        if (saga.CurrentState == AgentStates.Failed && current)
            return $"agent '{saga.AgentId}' was declared {saga.CurrentState} ({saga.StateReason}); it must register again";
        if (saga.CurrentState != AgentStates.Unregistered && !current)
            return $"instance {heartbeat.InstanceId} is not the registered instance {saga.InstanceId} of agent '{saga.AgentId}'";
        return null;
    }

    /// <summary>
    /// Whether the state machine must hear of this heartbeat: the agent is held silent (Unhealthy for missed heartbeats)
    /// and is heard again, or its latest report's status differs from the one its saga holds. Anything else stays in memory.
    /// </summary>
    public static (bool Forward, bool HeardAgain) Matters(AgentState saga, AgentHealthStatus reported, bool latest)
    {
        var heardAgain = saga.MissedHeartbeats > 0;
        var changed = latest && reported != AgentStateMachine.StatusOf(saga.ReportedStatus);
        return (heardAgain || changed, heardAgain);
    }
}
