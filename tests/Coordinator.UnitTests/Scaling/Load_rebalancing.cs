using Coordinator.Contracts;
using Coordinator.Scaling;

namespace Coordinator.UnitTests.Scaling;

public class Load_rebalancing
{
    static readonly TimeSpan WaitedTooLong = TimeSpan.FromSeconds(5);

    static RebalanceAgent Agent(string id, int inFlight = 0, string state = "Active", int concurrency = 2, double meanMs = 100, long completed = 10,
        string capabilities = "sleep") =>
        new(id, state, capabilities.Split(','), new AgentResources { CpuCores = 2, MemoryMb = 1024 }, concurrency, inFlight, meanMs, completed);

    static WaitingAssignment Waiting(string taskId, string agentId, double seconds, string type = "sleep", params string[] needs) =>
        new(taskId, 1, agentId, type, needs, new TaskResources(), TimeSpan.FromSeconds(seconds));

    static IReadOnlyList<RebalanceMove> Choose(RebalanceAgent[] agents, params WaitingAssignment[] waiting) =>
        RebalancePolicy.Choose(agents, waiting, slowFactor: 3, WaitedTooLong);

    [Fact]
    public void Work_waiting_on_a_degraded_agent_moves_to_free_slots()
    {
        var moves = Choose([Agent("sick", inFlight: 3, state: "Degraded"), Agent("well")], Waiting("t1", "sick", 1.5), Waiting("t2", "sick", 2));

        Assert.Equal(["t2", "t1"], moves.Select(m => m.Assignment.TaskId));
        Assert.Contains("agent sick fell behind (it is Degraded) and agent well has a free slot", moves[0].Reason);
    }

    [Fact]
    public void Work_waiting_on_an_agent_much_slower_than_its_peers_moves()
    {
        var moves = Choose([Agent("slow", inFlight: 3, meanMs: 900), Agent("a", meanMs: 100), Agent("b", meanMs: 120)], Waiting("t1", "slow", 1.5));

        Assert.Contains("slow: 900 ms per task against its peers' 120 ms", Assert.Single(moves).Reason);
    }

    [Fact]
    public void A_healthy_agent_keeps_work_until_it_has_waited_too_long()
    {
        var agents = new[] { Agent("busy", inFlight: 3), Agent("idle") };

        Assert.Empty(Choose(agents, Waiting("t1", "busy", 4.9)));
        Assert.Contains("waited 5 s", Assert.Single(Choose(agents, Waiting("t1", "busy", 5))).Reason);
    }

    [Fact]
    public void Nothing_moves_without_a_free_slot_able_to_run_it()
    {
        var full = new[] { Agent("sick", inFlight: 3, state: "Degraded"), Agent("full", inFlight: 2) };
        var other = new[] { Agent("sick", inFlight: 3, state: "Degraded"), Agent("cpu-only", capabilities: "echo") };

        Assert.Empty(Choose(full, Waiting("t1", "sick", 10)));
        Assert.Empty(Choose(other, Waiting("t1", "sick", 10)));
    }

    [Fact]
    public void Never_more_moves_than_free_slots()
    {
        var moves = Choose([Agent("sick", inFlight: 5, state: "Unhealthy"), Agent("well", inFlight: 1)],
            Waiting("t1", "sick", 3), Waiting("t2", "sick", 4), Waiting("t3", "sick", 5));

        Assert.Equal(["t3"], moves.Select(m => m.Assignment.TaskId));
    }

    [Fact]
    public void A_just_assigned_task_stays_even_on_an_agent_that_fell_behind()
    {
        Assert.Empty(Choose([Agent("sick", inFlight: 3, state: "Degraded"), Agent("well")], Waiting("t1", "sick", 0.5)));
    }

    [Fact]
    public void Speed_is_judged_only_with_enough_results()
    {
        Assert.Null(RebalancePolicy.FellBehind(Agent("new", meanMs: 5000, completed: 2), [Agent("a"), Agent("b")], 3));
        Assert.Null(RebalancePolicy.FellBehind(Agent("only", meanMs: 5000), [Agent("only", meanMs: 5000)], 3));
    }
}
