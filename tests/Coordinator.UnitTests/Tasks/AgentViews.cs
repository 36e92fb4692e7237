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

/// <summary>Fills a registry with agents given as views (each becomes the saga that shows as that view).</summary>
public static class RegistryFixtures
{
    public static AgentRegistry NewRegistry() => new(new HeartbeatBook(TimeProvider.System));

    public static void Replace(this AgentRegistry registry, IEnumerable<AgentView> agents) =>
        registry.ReplaceAll(agents.Select(SagaOf), DateTimeOffset.MinValue);

    static AgentState SagaOf(AgentView view) => new()
    {
        CorrelationId = AgentIdentity.CorrelationIdOf(view.AgentId),
        AgentId = view.AgentId,
        InstanceId = view.InstanceId,
        CurrentState = view.State,
        PreviousState = view.PreviousState,
        StateReason = view.StateReason,
        Capabilities = [.. view.Capabilities],
        CpuCores = view.Resources.CpuCores,
        MemoryMb = view.Resources.MemoryMb,
        DiskMb = view.Resources.DiskMb,
        MaxConcurrentTasks = view.MaxConcurrentTasks,
        RegisteredAt = view.RegisteredAt,
        LastHeartbeat = view.LastHeartbeat,
        UpdatedAt = view.UpdatedAt,
        ActiveTasks = view.ActiveTasks,
        ReportedStatus = view.Health.ReportedStatus,
        AssessedStatus = view.Health.AssessedStatus,
        AssessedReason = view.Health.AssessedReason,
        CpuPercent = view.Health.Usage.CpuPercent,
        MemoryUsedMb = view.Health.Usage.MemoryMb,
        DiskUsedMb = view.Health.Usage.DiskMb,
        ErrorCount = view.Health.ErrorCount,
        MissedHeartbeats = view.Health.MissedHeartbeats,
        HeartbeatCount = view.Health.HeartbeatCount,
    };
}
