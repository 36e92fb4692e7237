using Coordinator.Persistence;
using MassTransit;

namespace Coordinator.Agents;

/// <summary>One agent's lifecycle, persisted. Correlated by <see cref="AgentIdentity.CorrelationIdOf"/>.</summary>
public class AgentState : SagaStateMachineInstance, IVersioned
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public string PreviousState { get; set; } = "";
    public string StateReason { get; set; } = "";

    public string AgentId { get; set; } = "";
    public Guid InstanceId { get; set; }
    public List<string> Capabilities { get; set; } = [];
    public double CpuCores { get; set; }
    public long MemoryMb { get; set; }
    public long DiskMb { get; set; }
    public int MaxConcurrentTasks { get; set; }

    public string AgentType { get; set; } = "";
    public string AgentVersion { get; set; } = "";
    public string HostName { get; set; } = "";
    public int ProcessId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];

    public DateTimeOffset RegisteredAt { get; set; }
    /// <summary>When the coordinator last heard from the agent (coordinator clock): liveness is measured from here.</summary>
    public DateTimeOffset? LastHeartbeat { get; set; }
    /// <summary>The agent's own timestamp of its latest heartbeat: orders reports that arrive out of order.</summary>
    public DateTimeOffset? LastHeartbeatSentAt { get; set; }
    public long HeartbeatCount { get; set; }
    public string ReportedStatus { get; set; } = "";
    /// <summary>The coordinator's own verdict (<see cref="Coordinator.Contracts.AgentHealthAssessed"/>); the state follows the worse of it and the report.</summary>
    public string AssessedStatus { get; set; } = "";
    public string AssessedReason { get; set; } = "";
    public double CpuPercent { get; set; }
    public long MemoryUsedMb { get; set; }
    public long DiskUsedMb { get; set; }
    public int ActiveTasks { get; set; }
    public int ErrorCount { get; set; }
    public int MissedHeartbeats { get; set; }
    /// <summary>Set when the last registration brought back the same instance from Failed (its old work was moved).</summary>
    public bool WasEvicted { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every save.</summary>
    public int Version { get; set; }
}
