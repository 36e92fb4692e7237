using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Scaling;

namespace Coordinator.UnitTests.Scaling;

/// <summary>Builds the inputs of scaling decisions: profiles, agents, waiting work and snapshots.</summary>
static class Fleets
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static AgentProfile Profile(string name = "default", string capabilities = "echo,sleep", int concurrency = 4, double cost = 1,
        double cpu = 1, long memory = 1024) =>
        new() { Name = name, Capabilities = capabilities, Concurrency = concurrency, CostPerHour = cost, CpuCores = cpu, MemoryMb = memory, DiskMb = 0 };

    public static ScalingOptions Options(params AgentProfile[] profiles) => new()
    {
        Enabled = true,
        MinAgents = 1,
        MaxAgents = 10,
        ScaleUpStep = 2,
        ScaleDownStep = 1,
        ScaleUpCooldown = TimeSpan.FromSeconds(5),
        ScaleDownCooldown = TimeSpan.FromSeconds(15),
        ScaleDownStabilization = TimeSpan.FromSeconds(30),
        WaitTarget = TimeSpan.FromSeconds(5),
        Profiles = profiles.Length == 0 ? [Profile()] : [.. profiles],
    };

    /// <summary>An agent the ScalingManager runs (profile given) or not (profile null).</summary>
    public static FleetMember Agent(string id, int inFlight = 0, string? profile = "default", string state = AgentStates.Active,
        int concurrency = 4, string capabilities = "echo,sleep", double cost = 1, bool starting = false, bool draining = false,
        DateTimeOffset? since = null) => new()
    {
        AgentId = id,
        State = starting ? "" : state,
        Profile = profile,
        Starting = starting,
        Draining = draining,
        Concurrency = concurrency,
        Slots = concurrency + 2,
        InFlight = inFlight,
        Capabilities = capabilities.Split(','),
        Resources = new AgentResources { CpuCores = 1, MemoryMb = 1024, DiskMb = 0 },
        CostPerHour = profile is null ? 0 : cost,
        Since = since ?? T0.AddMinutes(-10),
    };

    public static DemandGroup Waiting(int count, string type = "sleep", double oldestSeconds = 1, params string[] needs) =>
        new(type, needs, new TaskResources(), count, TimeSpan.FromSeconds(oldestSeconds));

    public static ScalingSnapshot Snapshot(DateTimeOffset at, IEnumerable<FleetMember> agents, params DemandGroup[] demand) => new()
    {
        At = at,
        Agents = agents.ToList(),
        Demand = demand,
    };
}
