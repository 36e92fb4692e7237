using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using Coordinator.Tasks;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Placement;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Tasks;

/// <summary>Reservations are held by the owner of in-flight work, with each task in flight; the rules and the report read them there.</summary>
public class When_resources_are_managed
{
    readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    readonly AgentRegistry _registry = RegistryFixtures.NewRegistry();
    readonly TaskPlacement _placement;

    public When_resources_are_managed() => _placement = Placements.New(_registry, time: _time);

    static AgentView Agent(string id, double cpu, long memoryMb, long measuredMemoryMb = 0)
    {
        var agent = AgentViews.Active(id);
        return agent with
        {
            MaxConcurrentTasks = 10,
            Resources = new AgentResources { CpuCores = cpu, MemoryMb = memoryMb },
            Health = agent.Health with { Usage = new ResourceUsage { MemoryMb = measuredMemoryMb } },
        };
    }

    static DispatchTask Task(string id, double cpu, long memoryMb = 0) =>
        new() { TaskId = id, TaskType = "echo", Resources = new TaskResources { CpuCores = cpu, MemoryMb = memoryMb } };

    [Fact]
    public void Reservations_are_bounded_by_the_agents_capacity_and_freed_with_their_attempt()
    {
        _registry.Replace([Agent("a", cpu: 2, memoryMb: 1000)]);

        var first = _placement.Enqueue(Task("t1", 1, 400))!;
        var second = _placement.Enqueue(Task("t2", 1, 400))!;
        var third = _placement.Enqueue(Task("t3", 1, 400))!;

        Assert.True(first.Agent.IsCompleted && second.Agent.IsCompleted);
        Assert.False(third.Agent.IsCompleted); // two cores reserved of two: it waits
        Assert.Equal((2, 800), (_placement.AllocatedOn("a").CpuCores, _placement.AllocatedOn("a").MemoryMb));

        Assert.NotNull(_placement.Finish("t1", 1, "a", succeeded: true, 10));
        Assert.True(third.Agent.IsCompleted); // placed on the freed core at once
        Assert.Equal(2, _placement.AllocatedOn("a").CpuCores);
        Assert.Equal(2, _placement.Evict("a").Count);
        Assert.Equal(0, _placement.AllocatedOn("a").MemoryMb);
    }

    [Theory]
    [InlineData(-1, 0, "resources must not be negative")]
    [InlineData(9, 0, "resources.cpuCores 9 exceeds the limit of 8")]
    public void Requests_beyond_the_limits_are_refused_with_a_reason(double cpu, long memory, string reason)
    {
        Assert.Equal(reason, ResourceRules.CheckLimits(new TaskResources { CpuCores = cpu, MemoryMb = memory }, new ResourceLimitsOptions { MaxTaskCpuCores = 8 }));
    }

    [Fact]
    public void It_suggests_fixes_for_stuck_reservations_fragmentation_and_over_commitment()
    {
        _registry.Replace([Agent("a", 2, 1000), Agent("b", 2, 1000, measuredMemoryMb: 1500)]);
        _placement.Enqueue(Task("old", 1));
        _placement.Enqueue(Task("new", 1));
        _placement.Enqueue(Task("big", 2)); // one core free on each agent: fragmented
        _time.Advance(TimeSpan.FromMinutes(11));

        var report = new ResourceReporter(_placement, _registry, _time).Report();

        Assert.Equal((2, 4, 2), (report.Allocated.CpuCores, report.Capacity.CpuCores, report.Reservations));
        Assert.Contains(report.Suggestions, s => s.StartsWith("2 reservation(s) held for over 10 minutes"));
        Assert.Contains(report.Suggestions, s => s.StartsWith("fragmentation: 2 cores"));
        Assert.Contains(report.Suggestions, s => s.StartsWith("agent b is over-committed"));
    }
}
