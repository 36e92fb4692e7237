using System.Text.Json;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks;
using Coordinator.Tasks.Placement;

namespace Coordinator.UnitTests.Tasks;

/// <summary>Placement keeps the current attempt's checkpoint with the task, fenced, so every path to the next attempt carries it.</summary>
public class When_a_task_checkpoints_in_placement
{
    readonly AgentRegistry _registry = RegistryFixtures.NewRegistry();
    readonly TaskPlacement _placement;

    public When_a_task_checkpoints_in_placement()
    {
        _placement = Placements.New(_registry);
        _registry.Replace([AgentViews.Active("a"), AgentViews.Active("b")]);
    }

    static JsonElement Step(int next) => JsonSerializer.SerializeToElement(new { next });

    static int NextOf(DispatchTask task) => task.Checkpoint!.Value.GetProperty("next").GetInt32();

    [Fact]
    public void Only_the_current_attempt_on_its_agent_checkpoints_and_an_older_checkpoint_never_replaces_a_newer()
    {
        var agent = _placement.TryPlaceNow(new DispatchTask { TaskId = "t", TaskType = "echo" })!.AgentId;
        var other = agent == "a" ? "b" : "a";

        Assert.True(_placement.Checkpoint("t", 1, agent, 1, Step(1)));
        Assert.True(_placement.Checkpoint("t", 1, agent, 3, Step(3)));
        Assert.False(_placement.Checkpoint("t", 1, agent, 2, Step(2))); // consumed out of order
        Assert.False(_placement.Checkpoint("t", 2, agent, 9, Step(9))); // not the current attempt
        Assert.False(_placement.Checkpoint("t", 1, other, 9, Step(9))); // not its agent
        Assert.False(_placement.Checkpoint("unknown", 1, agent, 1, Step(1)));
        Assert.Equal(3, NextOf(_placement.Find("t")!.Task));
    }

    [Fact]
    public void The_next_attempt_carries_it_whether_the_agent_failed_the_task_or_was_evicted_and_its_assignment_too()
    {
        var agent = _placement.TryPlaceNow(new DispatchTask { TaskId = "t", TaskType = "echo" })!.AgentId;
        _placement.Checkpoint("t", 1, agent, 1, Step(4));

        var evicted = _placement.Evict(agent).Single();
        var moved = TaskForms.Moved(evicted.Task, agent);
        Assert.Equal(4, NextOf(moved));

        var assignment = TaskForms.Assignment(moved, "b", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.Equal(4, assignment.Checkpoint!.Value.GetProperty("next").GetInt32());
        Assert.Equal(4, NextOf(TaskForms.Moved(assignment)));
        Assert.Equal(4, NextOf(TaskForms.Retried(moved, "b")));

        // The second attempt's own first checkpoint replaces the first attempt's.
        var placed = _placement.TryPlaceNow(moved)!.AgentId;
        Assert.True(_placement.Checkpoint("t", 2, placed, 1, Step(5)));
        Assert.Equal(5, NextOf(_placement.Find("t")!.Task));
    }
}
