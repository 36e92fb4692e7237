using Coordinator.Agents;
using Coordinator.Contracts;

namespace Coordinator.UnitTests.Tasks;

/// <summary>An Active, healthy agent as placement sees it; tests change what they need with <c>with</c>.</summary>
public static class AgentViews
{
    public static AgentView Active(string id) => new()
    {
        AgentId = id,
        InstanceId = Guid.NewGuid(),
        State = AgentStates.Active,
        PreviousState = "",
        StateReason = "",
        Capabilities = ["echo"],
        Resources = new AgentResources { CpuCores = 4, MemoryMb = 1024 },
        MaxConcurrentTasks = 4,
        Metadata = new AgentMetadata(),
        RegisteredAt = DateTimeOffset.UnixEpoch,
        LastHeartbeat = null,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        ActiveTasks = 0,
        Health = new AgentHealthView
        {
            ReportedStatus = "Healthy",
            Usage = new ResourceUsage(),
            ErrorCount = 0,
            MissedHeartbeats = 0,
            HeartbeatCount = 0,
        },
    };
}
