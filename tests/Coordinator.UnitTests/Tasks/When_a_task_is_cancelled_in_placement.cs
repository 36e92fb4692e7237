using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks.Placement;

namespace Coordinator.UnitTests.Tasks;

/// <summary>Placement's part of a cancel: final for every attempt, a waiting task's wait ends with no agent, a running one's slot freed.</summary>
public class When_a_task_is_cancelled_in_placement
{
    readonly AgentRegistry _registry = RegistryFixtures.NewRegistry();
    readonly TaskPlacement _placement;

    public When_a_task_is_cancelled_in_placement() => _placement = Placements.New(_registry);

    void Agents(params string[] ids) => _registry.Replace(ids.Select(id => AgentViews.Active(id) with { MaxConcurrentTasks = 1 }));

    static DispatchTask Task(string id, int attempt = 1) => new() { TaskId = id, TaskType = "echo", Attempt = attempt };

    [Fact]
    public async Task A_waiting_task_ends_its_wait_with_no_agent_and_is_never_placed_again()
    {
        var waiting = _placement.Enqueue(Task("t1"))!; // no agents: it waits

        Assert.Null(_placement.Cancel("t1"));
        Assert.Null(await waiting.Agent);
        Assert.Empty(_placement.Waiting);
        Assert.True(_placement.IsCancelled("t1"));

        Agents("a");
        Assert.Null(_placement.Enqueue(Task("t1")));
        Assert.Null(_placement.Enqueue(Task("t1", attempt: 5))); // no later attempt either
        Assert.Null(_placement.TryPlaceNow(Task("t1", attempt: 2)));
        Assert.Equal(0, _placement.LoadOf("a"));
    }

    [Fact]
    public void A_task_in_flight_is_returned_its_slot_freed_for_the_next_and_its_result_is_stale()
    {
        Agents("a");
        Assert.True(_placement.Enqueue(Task("t1"))!.Agent.IsCompleted);
        var next = _placement.Enqueue(Task("t2"))!; // waits for the one slot

        var held = _placement.Cancel("t1");

        Assert.NotNull(held);
        Assert.Equal("a", held!.AgentId);
        Assert.Equal(1, held.Attempt);
        Assert.True(next.Agent.IsCompleted); // the freed slot went to the waiting task
        Assert.Null(_placement.Finish("t1", 1, "a", succeeded: true, 10)); // the agent's late report: not current
        Assert.False(_placement.IsCancelled("t2"));
    }
}
