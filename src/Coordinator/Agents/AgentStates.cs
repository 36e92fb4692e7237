namespace Coordinator.Agents;

/// <summary>State names as persisted (the state machine's property names).</summary>
public static class AgentStates
{
    public const string Active = nameof(AgentStateMachine.Active);
    public const string Degraded = nameof(AgentStateMachine.Degraded);
    public const string Unhealthy = nameof(AgentStateMachine.Unhealthy);
    public const string Draining = nameof(AgentStateMachine.Draining);
    public const string Failed = nameof(AgentStateMachine.Failed);
    public const string Unregistered = nameof(AgentStateMachine.Unregistered);

    /// <summary>States in which the agent is expected to heartbeat.</summary>
    public static readonly IReadOnlySet<string> Live = new HashSet<string> { Active, Degraded, Unhealthy, Draining };
}
