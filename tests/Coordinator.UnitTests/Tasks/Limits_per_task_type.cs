using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks.Limits;
using Coordinator.Tasks.Placement;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Tasks;

/// <summary>Fleet-wide limits per task type in placement: over the limit a task waits (in priority order), never dropped; other types pass.</summary>
public class Limits_per_task_type
{
    readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
    readonly AgentRegistry _registry = RegistryFixtures.NewRegistry();
    readonly TaskLimits _limits;
    readonly TaskPlacement _placement;

    public Limits_per_task_type()
    {
        _limits = Placements.Limits(_time);
        _placement = Placements.New(_registry, time: _time, limits: _limits);
        _registry.Replace([AgentViews.Active("big") with { MaxConcurrentTasks = 50, Capabilities = ["report", "echo"] }]);
    }

    static DispatchTask Task(string id, string type = "report", int priority = 0) => new() { TaskId = id, TaskType = type, Priority = priority };

    [Fact]
    public async Task At_most_the_cap_runs_the_rest_wait_in_priority_order_and_each_finish_lets_the_next_in()
    {
        _limits.Apply("report", new TaskTypeLimit(2, null));
        var placed = Enumerable.Range(0, 2).Select(i => _placement.Enqueue(Task($"r{i}"))!).ToList();
        var low = _placement.Enqueue(Task("low", priority: 1))!;
        var high = _placement.Enqueue(Task("high", priority: 9))!;
        var other = _placement.Enqueue(Task("e1", type: "echo"))!;

        Assert.All(placed, w => Assert.True(w.Agent.IsCompleted));
        Assert.False(low.Agent.IsCompleted);
        Assert.False(high.Agent.IsCompleted);
        Assert.True(other.Agent.IsCompleted); // another type is not held back by this one's limit
        Assert.Equal(2, _placement.InFlightOfType("REPORT")); // types compare without case

        _placement.Finish("r0", 1, "big", succeeded: true, 10);
        Assert.Equal("big", (await high.Agent)!.AgentId); // the higher priority first
        Assert.False(low.Agent.IsCompleted);
        _placement.Finish("other", 1, "big", succeeded: true, 10); // not one of its type: nothing changes for it
        _placement.Finish("e1", 1, "big", succeeded: true, 10);
        Assert.False(low.Agent.IsCompleted);
        _placement.Finish("high", 1, "big", succeeded: false, 10);
        Assert.True(low.Agent.IsCompleted);
    }

    [Fact]
    public void A_limit_raised_lets_waiting_tasks_in_at_once_and_a_lifted_one_lets_all_in()
    {
        _limits.Apply("report", new TaskTypeLimit(1, null));
        _placement.Enqueue(Task("r0"));
        var waiting = Enumerable.Range(1, 4).Select(i => _placement.Enqueue(Task($"r{i}"))!).ToList();
        Assert.Equal(0, waiting.Count(w => w.Agent.IsCompleted));

        _limits.Apply("report", new TaskTypeLimit(3, null));
        Assert.Equal(2, waiting.Count(w => w.Agent.IsCompleted));
        _limits.Apply("report", TaskTypeLimit.None);
        Assert.Equal(4, waiting.Count(w => w.Agent.IsCompleted));
    }

    [Fact]
    public async Task A_rate_starts_a_burst_of_one_second_then_one_each_interval_woken_by_time_alone()
    {
        _limits.Apply("report", new TaskTypeLimit(null, 2)); // two a second
        var tasks = Enumerable.Range(0, 5).Select(i => _placement.Enqueue(Task($"r{i}"))!).ToList();
        Assert.Equal(2, tasks.Count(t => t.Agent.IsCompleted)); // the bucket holds one second's worth

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(2, tasks.Count(t => t.Agent.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1)); // the timer placement armed fires: no finish, no new task needed
        await tasks[2].Agent.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, tasks.Count(t => t.Agent.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(1));
        await tasks[4].Agent.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(0, null, "maxConcurrent must be 1 or more, was 0")]
    [InlineData(-3, null, "maxConcurrent must be 1 or more, was -3")]
    [InlineData(null, 0.0, "perSecond must be more than 0, was 0")]
    [InlineData(null, -1.5, "perSecond must be more than 0, was -1.5")]
    public void A_limit_of_zero_or_less_is_refused_naming_it(int? max, double? rate, string problem) =>
        Assert.Equal(problem, new TaskTypeLimit(max, rate).Problem());

    [Theory]
    [InlineData("resize-image", true)]
    [InlineData("reports.v2", true)]
    [InlineData("has space", false)]
    [InlineData("slash/type", false)]
    public void Only_a_type_whose_name_can_be_a_queue_name_is_limited(string type, bool valid) =>
        Assert.Equal(valid, TaskLimits.InvalidType(type) is null);
}
