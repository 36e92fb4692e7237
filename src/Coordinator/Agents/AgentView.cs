using Coordinator.Contracts;

namespace Coordinator.Agents;

/// <summary>An agent as the API and the placement logic see it: a read-only snapshot of its saga.</summary>
public sealed record AgentView
{
    public required string AgentId { get; init; }
    public required Guid InstanceId { get; init; }
    public required string State { get; init; }
    public required string PreviousState { get; init; }
    public required string StateReason { get; init; }
    public required IReadOnlyList<string> Capabilities { get; init; }
    public required AgentResources Resources { get; init; }
    public required int MaxConcurrentTasks { get; init; }
    public required AgentMetadata Metadata { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public required DateTimeOffset? LastHeartbeat { get; init; }
    /// <summary>When the saga last changed (for a Failed or Unregistered agent: when it got there).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    public required int ActiveTasks { get; init; }
    public required AgentHealthView Health { get; init; }

    /// <summary>The saga as stored, with what the agent's heartbeats said since (when this coordinator heard them).</summary>
    public static AgentView From(AgentState saga, HeartbeatBook.Entry? heard = null)
    {
        var health = heard?.Health;
        return new AgentView
        {
            AgentId = saga.AgentId,
            InstanceId = saga.InstanceId,
            State = saga.CurrentState,
            PreviousState = saga.PreviousState,
            StateReason = saga.StateReason,
            Capabilities = saga.Capabilities,
            Resources = new AgentResources { CpuCores = saga.CpuCores, MemoryMb = saga.MemoryMb, DiskMb = saga.DiskMb },
            MaxConcurrentTasks = saga.MaxConcurrentTasks,
            Metadata = new AgentMetadata
            {
                AgentType = saga.AgentType,
                Version = saga.AgentVersion,
                StartedAt = saga.StartedAt,
                HostName = saga.HostName,
                ProcessId = saga.ProcessId,
                Labels = saga.Labels,
            },
            RegisteredAt = saga.RegisteredAt,
            LastHeartbeat = Later(saga.LastHeartbeat, heard?.LastHeartbeat),
            UpdatedAt = saga.UpdatedAt,
            ActiveTasks = health?.ActiveTasks ?? saga.ActiveTasks,
            Health = new AgentHealthView
            {
                ReportedStatus = saga.ReportedStatus,
                AssessedStatus = string.IsNullOrEmpty(saga.AssessedStatus) ? "Healthy" : saga.AssessedStatus,
                AssessedReason = saga.AssessedReason,
                Usage = health?.Usage ?? new ResourceUsage { CpuPercent = saga.CpuPercent, MemoryMb = saga.MemoryUsedMb, DiskMb = saga.DiskUsedMb },
                ErrorCount = health?.ErrorCount ?? saga.ErrorCount,
                MissedHeartbeats = saga.MissedHeartbeats,
                HeartbeatCount = Math.Max(saga.HeartbeatCount, heard?.Count ?? 0),
            },
        };
    }

    static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
