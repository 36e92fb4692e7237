using Coordinator.AgentWorker.Sdk;
using Coordinator.AgentWorker.Sdk.Lifecycle;
using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Agents;

public class Held_assignments
{
    static readonly DateTimeOffset Accepted = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    readonly TaskActivity _activity = new();
    readonly AgentInstance _instance = new(new AgentOptions { AgentId = "agent" }, new TaskHandlers([]), new FakeTimeProvider(Accepted));
    readonly HeldAssignments _held;

    public Held_assignments()
    {
        _held = new HeldAssignments(_activity, _instance, NullLogger<HeldAssignments>.Instance);
        _instance.Accepted(Accepted, afterEviction: false);
    }

    static AssignTask Assignment(string id, int attempt = 1, double secondsAfterAcceptance = 1) => new()
    {
        TaskId = id, TaskType = "sleep", AgentId = "agent", Attempt = attempt, Timestamp = Accepted.AddSeconds(secondsAfterAcceptance),
    };

    static async Task<HeldAssignments.Held> NextAsync(HeldAssignments held)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await held.NextAsync(timeout.Token);
    }

    [Fact]
    public async Task They_run_in_arrival_order_and_a_copy_is_held_once()
    {
        Assert.True(_held.Accept(Assignment("a")));
        Assert.True(_held.Accept(Assignment("b")));
        Assert.False(_held.Accept(Assignment("a")));

        Assert.Equal("a", (await NextAsync(_held)).Task.TaskId);
        Assert.Equal("b", (await NextAsync(_held)).Task.TaskId);
        Assert.Equal(0, _held.Waiting);
    }

    [Fact]
    public async Task A_waiting_one_is_released_and_never_runs_but_a_started_one_is_not()
    {
        _held.Accept(Assignment("running"));
        _held.Accept(Assignment("waiting"));
        _held.Accept(Assignment("last"));
        var started = await NextAsync(_held);

        Assert.Equal((false, "it has already started"), _held.Release("running", 1));
        Assert.Equal((true, "released before it started"), _held.Release("waiting", 1));
        Assert.Equal((true, "released before it started"), _held.Release("waiting", 1)); // asked again: the same answer
        Assert.False(_held.Accept(Assignment("waiting"))); // delivered again: not run after all
        Assert.Equal((false, "not held by this agent (never received)"), _held.Release("last", 2));
        Assert.Equal("last", (await NextAsync(_held)).Task.TaskId);
        Assert.Equal("running", started.Task.TaskId);
    }

    [Fact]
    public async Task One_that_ran_is_not_run_again_when_delivered_again()
    {
        _held.Accept(Assignment("a"));
        _held.Done(await NextAsync(_held));

        Assert.False(_held.Accept(Assignment("a")));
        Assert.Equal((false, "it has already run"), _held.Release("a", 1));
        Assert.True(_held.Accept(Assignment("a", attempt: 2)));
    }

    [Fact]
    public async Task Work_assigned_to_an_earlier_instance_or_held_before_an_eviction_is_given_back_not_run()
    {
        _held.Accept(Assignment("held-before-eviction"));
        _activity.Evict();
        _held.Accept(Assignment("before-this-instance", secondsAfterAcceptance: -3));
        _held.Accept(Assignment("after"));

        var evicted = await NextAsync(_held);
        var earlier = await NextAsync(_held);
        var current = await NextAsync(_held);

        Assert.Equal(("before-this-instance", "it was assigned to an earlier instance of this agent"), (earlier.Task.TaskId, earlier.StaleReason));
        Assert.Equal(("held-before-eviction", "this instance was evicted since it arrived"), (evicted.Task.TaskId, evicted.StaleReason));
        Assert.Equal("after", current.Task.TaskId);
        Assert.Null(current.StaleReason);
        Assert.Equal(0, _held.Waiting);
        Assert.Equal((true, "released before it started"), _held.Release("before-this-instance", 1));
    }

    [Fact]
    public async Task Nothing_runs_before_the_instance_is_registered()
    {
        var instance = new AgentInstance(new AgentOptions { AgentId = "agent" }, new TaskHandlers([]), new FakeTimeProvider(Accepted));
        var held = new HeldAssignments(new TaskActivity(), instance, NullLogger<HeldAssignments>.Instance);
        held.Accept(Assignment("early"));

        var next = held.NextAsync(CancellationToken.None).AsTask();
        await Task.Delay(50); // lets it reach the wait; the assertion is on the registration below, not on this delay
        Assert.False(next.IsCompleted);
        instance.Accepted(Accepted, afterEviction: false);
        Assert.Equal("early", (await next.WaitAsync(TimeSpan.FromSeconds(5))).Task.TaskId);
    }
}
