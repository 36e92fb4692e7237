using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Tasks;

public class When_resources_are_managed
{
    readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    readonly ResourceManager _resources;

    public When_resources_are_managed() => _resources = new ResourceManager(new ResourceLimitsOptions { MaxTaskCpuCores = 8 }, _time);

    static AgentView Agent(string id, double cpu, long memoryMb, long measuredMemoryMb = 0)
    {
        var agent = AgentViews.Active(id);
        return agent with
        {
            Resources = new AgentResources { CpuCores = cpu, MemoryMb = memoryMb },
            Health = agent.Health with { Usage = new ResourceUsage { MemoryMb = measuredMemoryMb } },
        };
    }

    [Fact]
    public void Allocations_are_bounded_by_the_agents_capacity_and_freed_on_completion()
    {
        var agent = Agent("a", cpu: 2, memoryMb: 1000);
        var task = new TaskResources { CpuCores = 1, MemoryMb = 400 };

        Assert.True(_resources.CanPlace(agent, task));
        _resources.Allocate("t1", "a", task);
        _resources.Allocate("t2", "a", task);
        Assert.False(_resources.CanPlace(agent, task));
        Assert.Equal(2, _resources.AllocatedOn("a").CpuCores);

        Assert.True(_resources.Free("t1"));
        Assert.False(_resources.Free("t1"));
        Assert.True(_resources.CanPlace(agent, task));
        Assert.Equal(["t2"], _resources.FreeAgent("a"));
        Assert.Equal(0, _resources.AllocatedOn("a").MemoryMb);
    }

    [Theory]
    [InlineData(-1, 0, "resources must not be negative")]
    [InlineData(9, 0, "resources.cpuCores 9 exceeds the limit of 8")]
    public void Requests_beyond_the_limits_are_refused_with_a_reason(double cpu, long memory, string reason)
    {
        Assert.Equal(reason, _resources.CheckLimits(new TaskResources { CpuCores = cpu, MemoryMb = memory }));
    }

    [Fact]
    public void It_suggests_fixes_for_stuck_reservations_fragmentation_and_over_commitment()
    {
        var agents = new[] { Agent("a", 2, 1000), Agent("b", 2, 1000, measuredMemoryMb: 1500) };
        _resources.Allocate("old", "a", new TaskResources { CpuCores = 1 });
        _resources.Allocate("new", "b", new TaskResources { CpuCores = 1 });
        _time.Advance(TimeSpan.FromMinutes(11));

        var report = _resources.Report(agents, [new TaskResources { CpuCores = 2 }]);

        Assert.Equal(2, report.Allocated.CpuCores);
        Assert.Equal(4, report.Capacity.CpuCores);
        Assert.Contains(report.Suggestions, s => s.StartsWith("2 reservation(s) held for over 10 minutes"));
        Assert.Contains(report.Suggestions, s => s.StartsWith("fragmentation: 2 cores"));
        Assert.Contains(report.Suggestions, s => s.StartsWith("agent b is over-committed"));
    }
}
