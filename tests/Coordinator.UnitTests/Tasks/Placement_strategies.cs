using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks.Placement;

namespace Coordinator.UnitTests.Tasks;

public class Placement_strategies
{
    static readonly DispatchTask Echo = new() { TaskId = "t", TaskType = "echo" };

    static AgentCandidate Candidate(string id, int inFlight = 0, int slots = 6, string[]? capabilities = null, double cpu = 4,
        double allocatedCpu = 0, double measuredCpu = 0, AgentPerformance? performance = null)
    {
        var agent = AgentViews.Active(id);
        return new(agent with
        {
            Capabilities = capabilities ?? ["echo"],
            Resources = new AgentResources { CpuCores = cpu, MemoryMb = 1024, DiskMb = 0 },
            MaxConcurrentTasks = slots - 2,
            ActiveTasks = inFlight,
            Health = agent.Health with { Usage = new ResourceUsage { CpuPercent = measuredCpu } },
        }, inFlight, slots, new TaskResources { CpuCores = allocatedCpu }, performance ?? AgentPerformance.None);
    }

    [Fact]
    public void Round_robin_cycles_through_every_agent_in_id_order()
    {
        var strategy = new RoundRobinStrategy();
        var agents = new[] { Candidate("c"), Candidate("a"), Candidate("b") };

        var picks = Enumerable.Range(0, 6).Select(_ => strategy.Select(Echo, agents).AgentId).ToList();

        Assert.Equal(["b", "c", "a", "b", "c", "a"], picks);
    }

    [Fact]
    public void Least_connections_picks_the_fewest_in_flight_and_spreads_ties()
    {
        var strategy = new LeastConnectionsStrategy();

        Assert.Equal("idle", strategy.Select(Echo, [Candidate("busy", inFlight: 3), Candidate("idle", inFlight: 1)]).AgentId);
        var tied = new[] { Candidate("x", inFlight: 2), Candidate("y", inFlight: 2) };
        Assert.NotEqual(strategy.Select(Echo, tied).AgentId, strategy.Select(Echo, tied).AgentId);
    }

    [Fact]
    public void Resource_based_picks_the_lowest_utilisation_of_any_kind()
    {
        var strategy = new ResourceBasedStrategy();

        Assert.Equal("roomy", strategy.Select(Echo, [Candidate("cpu-full", allocatedCpu: 3, cpu: 4), Candidate("roomy", allocatedCpu: 1, cpu: 4)]).AgentId);
        Assert.Equal("cool", strategy.Select(Echo, [Candidate("hot", measuredCpu: 90), Candidate("cool", measuredCpu: 10)]).AgentId);
        Assert.Equal("big", strategy.Select(Echo, [Candidate("small", inFlight: 1, slots: 4), Candidate("big", inFlight: 1, slots: 10)]).AgentId);
    }

    [Fact]
    public void Capability_based_picks_the_most_specific_agent()
    {
        var strategy = new CapabilityBasedStrategy();
        var generalist = Candidate("generalist", capabilities: ["echo", "sleep", "gpu", "compute"]);
        var specialist = Candidate("specialist", inFlight: 3, capabilities: ["echo"]);

        Assert.Equal("specialist", strategy.Select(Echo, [generalist, specialist]).AgentId);
    }

    [Fact]
    public void Weighted_prefers_success_and_speed_and_trusts_newcomers()
    {
        var strategy = new WeightedStrategy();
        var flaky = Candidate("flaky", performance: new AgentPerformance(1, 9, 10));
        var failsFast = Candidate("fails-fast", performance: new AgentPerformance(0, 4, 0));
        var steady = Candidate("steady", performance: new AgentPerformance(10, 0, 10));
        var slow = Candidate("slow", performance: new AgentPerformance(10, 0, 1000));
        var newcomer = Candidate("newcomer");

        Assert.Equal("steady", strategy.Select(Echo, [flaky, steady, slow]).AgentId);
        Assert.Equal("newcomer", strategy.Select(Echo, [flaky, newcomer]).AgentId);
        Assert.Equal("slow", strategy.Select(Echo, [failsFast, slow]).AgentId);
        // Shared out by weight per task in flight: a loaded fast agent yields to an idle one.
        Assert.Equal("slow", strategy.Select(Echo, [steady with { InFlight = 200 }, slow]).AgentId);
    }
}
