using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using Coordinator.Tasks.Placement;

namespace Coordinator.UnitTests.Tasks;

/// <summary>A redelivered dispatch message (after a broker or coordinator restart) must not place the task twice.</summary>
public class When_a_dispatch_arrives_twice
{
    readonly AgentRegistry _registry = RegistryFixtures.NewRegistry();
    readonly TaskPlacement _placement;

    public When_a_dispatch_arrives_twice() => _placement = Placements.New(_registry);

    void Agents(params string[] ids) => _registry.Replace(ids.Select(id => AgentViews.Active(id) with { MaxConcurrentTasks = 1 }));

    static DispatchTask Task(string id, int attempt = 1) => new() { TaskId = id, TaskType = "echo", Attempt = attempt };

    [Fact]
    public void The_same_attempt_in_flight_is_dropped_and_takes_no_slot()
    {
        Agents("a");
        var first = _placement.Enqueue(Task("t1"));

        Assert.NotNull(first);
        Assert.True(first!.Agent.IsCompleted);
        Assert.Null(_placement.Enqueue(Task("t1")));
        Assert.Equal(1, _placement.LoadOf("a"));
    }

    [Fact]
    public void The_same_attempt_still_waiting_is_dropped()
    {
        var waiting = _placement.Enqueue(Task("t1")); // no agents: it waits

        Assert.NotNull(waiting);
        Assert.Null(_placement.Enqueue(Task("t1")));
        Assert.Single(_placement.Waiting);
        Agents("a");
        _placement.Pulse();
        Assert.True(waiting!.Agent.IsCompleted);
        Assert.Empty(_placement.Waiting);
        Assert.Equal(1, _placement.LoadOf("a"));
    }

    [Fact]
    public void A_finished_attempt_is_not_run_again_but_the_next_attempt_is_placed()
    {
        Agents("a");
        _placement.Enqueue(Task("t1"));
        Assert.NotNull(_placement.Finish("t1", 1, "a", succeeded: false, durationMs: 5));

        Assert.Null(_placement.Enqueue(Task("t1", attempt: 1)));
        var retry = _placement.Enqueue(Task("t1", attempt: 2));
        Assert.NotNull(retry);
        Assert.True(retry!.Agent.IsCompleted);
    }

    [Fact]
    public void Waiting_work_already_admitted_once_goes_ahead_of_new_work_of_its_priority_only()
    {
        _placement.Enqueue(Task("new")); // attempt 1
        _placement.Enqueue(Task("moved", attempt: 2));
        _placement.Enqueue(Task("urgent") with { Priority = 5 });

        Assert.Equal(["urgent", "moved", "new"], _placement.Waiting.Select(t => t.TaskId));
    }

    [Fact]
    public async Task A_malformed_waiting_task_fails_alone_and_blocks_no_other()
    {
        var broken = _placement.Enqueue(new DispatchTask { TaskId = "broken", TaskType = "echo", RequiredCapabilities = null! }); // no agents yet
        var sound = _placement.Enqueue(Task("sound"));

        Agents("a");
        _placement.Pulse();

        await Assert.ThrowsAsync<ArgumentNullException>(() => broken!.Agent);
        Assert.Equal("a", (await sound!.Agent)?.AgentId);
        Assert.Empty(_placement.Waiting);
    }
}
