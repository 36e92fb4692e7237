namespace Coordinator.Contracts;

/// <summary>
/// The broker names that are part of the public surface. Any AMQP client may publish to or bind
/// to these; they do not follow MassTransit's default type-derived names and never change.
/// </summary>
public static class EntityNames
{
    /// <summary>
    /// Exchange (and queue) agents send their commands to: register, drain, unregister. Heartbeats sent here are still
    /// taken (agents built before heartbeats had a queue of their own send them here), behind the commands.
    /// </summary>
    public const string AgentControl = "coordinator.agents";

    /// <summary>
    /// Exchange (and queue) agents send their heartbeats to, apart from their commands, so a registration never waits
    /// behind a fleet's heartbeats. The queue is bounded (the oldest heartbeats are dropped first: a newer one from the
    /// same agent says more).
    /// </summary>
    public const string Heartbeats = "coordinator.heartbeats";

    /// <summary>Fanout exchange carrying every agent lifecycle event (registered, state changed, failed, ...).</summary>
    public const string AgentEvents = "coordinator.agent-events";

    /// <summary>Internal: failure detectors' verdicts (missed heartbeats, failures), consumed by the agent state machine.</summary>
    public const string AgentHealth = "coordinator.agent-health";

    /// <summary>Task intake exchange.</summary>
    public const string Tasks = "coordinator.tasks";

    /// <summary>Task events exchange: started, completed, failed, dead-lettered.</summary>
    public const string TaskEvents = "coordinator.task-events";

    /// <summary>Queue bound to <see cref="Tasks"/>: submissions are validated here.</summary>
    public const string IntakeQueue = "coordinator.intake";

    /// <summary>Internal: HTTP writes a standby forwards to the owner of the task path (<see cref="ForwardApiWrite"/>).</summary>
    public const string ApiWritesQueue = "coordinator.api-writes";

    /// <summary>Priority queue of validated tasks waiting for an agent: its depth is the backlog.</summary>
    public const string DispatchQueue = "coordinator.dispatch";

    /// <summary>The coordinator's queue bound to <see cref="TaskEvents"/>.</summary>
    public const string TaskResultsQueue = "coordinator.task-results";

    /// <summary>The coordinator's queue for faults of its own task consumers (each faulted task is recorded with the reason).</summary>
    public const string TaskFaultsQueue = "coordinator.task-faults";

    /// <summary>Fanout exchange of alerts: <see cref="AlertRaised"/> and <see cref="AlertResolved"/> (bind a queue to watch them).</summary>
    public const string Alerts = "coordinator.alerts";

    /// <summary>The queue of one agent.</summary>
    public static string AgentQueue(string agentId) => $"agent-{agentId}";

    /// <summary>
    /// The queue where one agent's requests are answered (its registration). The colon cannot be in an agent id, so no agent's
    /// queue is another's: each agent's broker user may read exactly these two.
    /// </summary>
    public static string AgentResponses(string agentId) => $"agent-{agentId}:responses";

    static readonly Dictionary<Type, string> ByType = new()
    {
        [typeof(RegisterAgent)] = AgentControl,
        [typeof(UnregisterAgent)] = AgentControl,
        [typeof(DrainAgent)] = AgentControl,
        [typeof(AgentHeartbeat)] = Heartbeats,
        [typeof(AgentRegistered)] = AgentEvents,
        [typeof(AgentRegistrationRejected)] = AgentEvents,
        [typeof(AgentHeartbeatRejected)] = AgentEvents,
        [typeof(AgentStateChanged)] = AgentEvents,
        [typeof(AgentFailed)] = AgentEvents,
        [typeof(AgentUnregistered)] = AgentEvents,
        [typeof(AgentsScaledUp)] = AgentEvents,
        [typeof(AgentsScaledDown)] = AgentEvents,
        [typeof(SubmitTask)] = Tasks,
        [typeof(TaskStarted)] = TaskEvents,
        [typeof(TaskCompleted)] = TaskEvents,
        [typeof(TaskFailed)] = TaskEvents,
        [typeof(TaskDeadLettered)] = TaskEvents,
        [typeof(TaskRejected)] = TaskEvents,
        [typeof(TaskCancelled)] = TaskEvents,
        [typeof(TaskProgress)] = TaskEvents,
        [typeof(TaskCheckpointed)] = TaskEvents,
        [typeof(AssignmentReleased)] = TaskEvents,
        [typeof(AgentHeartbeatMissed)] = AgentHealth,
        [typeof(AgentFailureDetected)] = AgentHealth,
        [typeof(AgentHealthAssessed)] = AgentHealth,
        [typeof(AgentHealthReported)] = AgentHealth,
        [typeof(AlertRaised)] = Alerts,
        [typeof(AlertResolved)] = Alerts,
    };

    /// <summary>The exchange a contract is published to, or null for one that is not part of the public surface.</summary>
    public static string? ForMessageType(Type messageType) => ByType.GetValueOrDefault(messageType);
}
