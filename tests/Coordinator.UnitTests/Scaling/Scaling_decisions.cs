using Coordinator.Scaling;
using Microsoft.Extensions.Time.Testing;
using static Coordinator.UnitTests.Scaling.Fleets;

namespace Coordinator.UnitTests.Scaling;

public class Scaling_decisions
{
    static ScalingDecision Decide(ScalingSnapshot snapshot, ScalingOptions options, ScalingMemory? memory = null) =>
        ScalingPolicy.Decide(snapshot, memory ?? ScalingMemory.Empty, options);

    [Fact]
    public void A_backlog_beyond_the_free_slots_starts_agents_up_to_the_step()
    {
        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", inFlight: 4)], Waiting(20)), Options());

        Assert.Equal(ScalingAction.Up, decision.Action);
        Assert.Equal(ScalingTrigger.Backlog, decision.Trigger);
        Assert.Equal([new ProfileCount("default", 2)], decision.Start); // 16 beyond 4 free slots is 4 agents; the step is 2
        Assert.Contains("20 'sleep' task(s) waiting for 4 free slot(s): 5 per slot > 1", decision.Reason);
        Assert.Equal((2, 4), (decision.Current, decision.Desired));
        Assert.Equal(20, decision.Numbers["waiting"]);
        Assert.Equal(T0, decision.Memory.LastScaleUp);
    }

    [Fact]
    public void A_task_waiting_past_the_target_starts_an_agent_even_with_slots_free()
    {
        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 1)], Waiting(1, oldestSeconds: 8)), Options());

        Assert.Equal(ScalingTrigger.WaitTime, decision.Trigger);
        Assert.Equal([new ProfileCount("default", 1)], decision.Start);
        Assert.Contains("has waited 8 s > 5 s", decision.Reason);
    }

    [Fact]
    public void Utilisation_above_the_threshold_adds_what_brings_it_back_to_it()
    {
        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", inFlight: 3)]), Options());

        // 7 of 8 slots busy: ceil(2 × 0.875 / 0.8) = 3 agents, one more.
        Assert.Equal(ScalingTrigger.Utilisation, decision.Trigger);
        Assert.Equal([new ProfileCount("default", 1)], decision.Start);
        Assert.Contains("slot utilisation 0.88 (7 of 8 slots busy) > 0.8", decision.Reason);
    }

    [Fact]
    public void Below_the_minimum_the_fleet_is_filled_at_once_beyond_the_step()
    {
        var options = Options();
        options.MinAgents = 5;

        var decision = Decide(Snapshot(T0, []), options);

        Assert.Equal(ScalingTrigger.BelowMinimum, decision.Trigger);
        Assert.Equal([new ProfileCount("default", 5)], decision.Start);
    }

    [Fact]
    public void A_lost_agent_below_the_minimum_is_replaced_with_its_profile_despite_the_cooldown()
    {
        var options = Options(Profile(), Profile("gpu", "render,gpu"));
        options.MinAgents = 2;
        var snapshot = Snapshot(T0, [Agent("a")]) with { Lost = [Agent("gpu-1", profile: "gpu", capabilities: "render,gpu")] };

        var decision = Decide(snapshot, options, new ScalingMemory(LastScaleUp: T0.AddSeconds(-1), null, null));

        Assert.Equal(ScalingAction.Up, decision.Action);
        Assert.Equal(ScalingTrigger.AgentFailed, decision.Trigger);
        Assert.Equal([new ProfileCount("gpu", 1)], decision.Start);
        Assert.Contains("gpu-1 lost", decision.Reason);
    }

    [Fact]
    public void The_scale_up_cooldown_holds_a_trigger_until_it_has_passed()
    {
        var clock = new FakeTimeProvider(T0);
        var options = Options();
        var memory = new ScalingMemory(LastScaleUp: T0, null, null);
        ScalingSnapshot Now() => Snapshot(clock.GetUtcNow(), [Agent("a", inFlight: 4), Agent("b", inFlight: 4)], Waiting(20));

        clock.Advance(TimeSpan.FromSeconds(2));
        var held = Decide(Now(), options, memory);
        clock.Advance(TimeSpan.FromSeconds(3));
        var acted = Decide(Now(), options, memory);

        Assert.Equal((ScalingAction.Hold, ScalingTrigger.Backlog), (held.Action, held.Trigger));
        Assert.Contains("held: scale-up cooldown, 3 s left", held.Reason);
        Assert.Equal(6, held.Desired); // current 2 + the 4 it wants
        Assert.Equal(ScalingAction.Up, acted.Action);
    }

    [Fact]
    public void The_maximum_holds_the_fleet()
    {
        var options = Options();
        options.MaxAgents = 2;

        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", inFlight: 4)], Waiting(20)), options);

        Assert.Equal(ScalingAction.Hold, decision.Action);
        Assert.Contains("held: at the maximum of 2 agent(s)", decision.Reason);
        Assert.Equal(2, decision.Desired);
    }

    [Fact]
    public void The_budget_caps_what_is_started()
    {
        var options = Options();
        options.BudgetPerHour = 3;

        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", inFlight: 4)], Waiting(20)), options);

        Assert.Equal([new ProfileCount("default", 1)], decision.Start);
        Assert.Contains("budget 3/h: the fleet costs 3/h and a default agent 1/h", decision.Reason);
    }

    [Fact]
    public void The_fleet_resources_cap_what_is_started()
    {
        var snapshot = Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", inFlight: 4)], Waiting(20))
            with { ResourceLimit = new FleetResourceLimit(CpuCores: 3, null, null) };

        var decision = Decide(snapshot, Options());

        Assert.Equal([new ProfileCount("default", 1)], decision.Start);
        Assert.Contains("Resources:FleetCpuCores 3: 3 declared", decision.Reason);
    }

    [Fact]
    public void A_backlog_needing_a_capability_starts_the_cheapest_profile_offering_it()
    {
        var options = Options(Profile(), Profile("gpu-large", "render,gpu", concurrency: 2, cost: 20), Profile("gpu", "render,gpu", concurrency: 2, cost: 5));

        var decision = Decide(Snapshot(T0, [Agent("a")], Waiting(6, "render", 1, "gpu")), options);

        Assert.Equal(ScalingTrigger.Backlog, decision.Trigger);
        Assert.Equal([new ProfileCount("gpu", 2)], decision.Start);
        Assert.Contains("6 'render' needing gpu task(s) waiting for 0 free slot(s)", decision.Reason);
    }

    [Fact]
    public void Work_no_profile_can_serve_is_reported_and_starts_nothing()
    {
        var decision = Decide(Snapshot(T0, [Agent("a")], Waiting(5, "render", 1, "quantum")), Options());

        Assert.Equal(ScalingAction.Hold, decision.Action);
        var unservable = Assert.Single(decision.Unservable);
        Assert.Equal(("render", 5), (unservable.TaskType, unservable.Waiting));
    }

    [Fact]
    public void Agents_still_starting_count_as_capacity()
    {
        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", starting: true)], Waiting(5)), Options());

        Assert.Equal((ScalingAction.Hold, ScalingTrigger.None), (decision.Action, decision.Trigger));
    }

    [Fact]
    public void A_profile_backing_off_after_a_failed_start_is_not_started()
    {
        var options = Options();
        options.MinAgents = 2;

        var decision = Decide(Snapshot(T0, []) with { BackingOff = new HashSet<string> { "default" } }, options);

        Assert.Equal(ScalingAction.Hold, decision.Action);
        Assert.Contains("profile default waits out its backoff", decision.Reason);
    }

    [Fact]
    public void The_fleet_shrinks_only_after_the_stabilisation_window_without_a_break()
    {
        var clock = new FakeTimeProvider(T0);
        var options = Options();
        var idle = new[] { Agent("a"), Agent("b"), Agent("c", inFlight: 1) };
        var memory = ScalingMemory.Empty;
        ScalingDecision Check(params Coordinator.Scaling.DemandGroup[] waiting)
        {
            var decision = Decide(Snapshot(clock.GetUtcNow(), idle, waiting), options, memory);
            memory = decision.Memory;
            return decision;
        }

        Check();
        clock.Advance(TimeSpan.FromSeconds(20));
        Check(Waiting(3)); // a burst breaks the calm
        clock.Advance(TimeSpan.FromSeconds(1));
        Check();
        clock.Advance(TimeSpan.FromSeconds(29));
        var early = Check();
        clock.Advance(TimeSpan.FromSeconds(1));
        var due = Check();

        Assert.Equal(ScalingAction.Hold, early.Action);
        Assert.Contains("idle for 29 s of the 30 s stabilisation window", early.Reason);
        Assert.Equal((ScalingAction.Down, ScalingTrigger.Idle), (due.Action, due.Trigger));
        Assert.Equal(["a"], due.Stop); // the idle ones first (a and b alike, then by id); one at a time
        Assert.Equal(clock.GetUtcNow(), due.Memory.LastScaleDown);
    }

    [Fact]
    public void Scaling_down_picks_idle_agents_it_runs_first_never_going_below_the_minimum()
    {
        var options = Options();
        options.MinAgents = 2;
        options.ScaleDownStep = 3;
        var calm = new ScalingMemory(null, null, CalmSince: T0.AddMinutes(-5));

        var decision = Decide(Snapshot(T0, [Agent("external", profile: null), Agent("a", inFlight: 2), Agent("b"), Agent("c", inFlight: 1)]),
            options, calm);

        Assert.Equal(["b", "c"], decision.Stop);
        Assert.Equal((4, 2), (decision.Current, decision.Desired));
    }

    [Fact]
    public void Scaling_down_never_leaves_the_rest_above_the_scale_up_threshold()
    {
        var options = Options();
        options.ScaleDownStep = 5;
        var calm = new ScalingMemory(null, null, CalmSince: T0.AddMinutes(-5));

        var decision = Decide(Snapshot(T0, [Agent("busy", inFlight: 4), Agent("b"), Agent("c"), Agent("d"), Agent("e"), Agent("f")]), options, calm);

        // Without f the busy agent alone would be full: f stays; the busy agent drains, finishing its own work.
        Assert.Equal(["b", "c", "d", "e", "busy"], decision.Stop);
    }

    [Fact]
    public void Scaling_down_keeps_the_last_agent_able_to_run_waiting_work()
    {
        var options = Options(Profile(), Profile("gpu", "render,gpu"));
        options.MinAgents = 0;
        options.ScaleDownStep = 2;
        options.BacklogDownThreshold = 2;
        var calm = new ScalingMemory(null, null, CalmSince: T0.AddMinutes(-5));

        var decision = Decide(Snapshot(T0, [Agent("a"), Agent("g", profile: "gpu", capabilities: "render,gpu")], Waiting(1, "render", 1, "gpu")),
            options, calm);

        Assert.Equal(["a"], decision.Stop);
    }

    [Fact]
    public void Scaling_down_waits_out_its_cooldown_after_any_change()
    {
        var decision = Decide(Snapshot(T0, [Agent("a"), Agent("b")]), Options(),
            new ScalingMemory(LastScaleUp: T0.AddSeconds(-10), null, CalmSince: T0.AddMinutes(-5)));

        Assert.Equal(ScalingAction.Hold, decision.Action);
        Assert.Contains("the fleet changed 10 s ago (scale-down cooldown 15 s)", decision.Reason);
    }

    [Fact]
    public void Agents_it_did_not_start_are_never_stopped()
    {
        var decision = Decide(Snapshot(T0, [Agent("x", profile: null), Agent("y", profile: null)]), Options(),
            new ScalingMemory(null, null, CalmSince: T0.AddMinutes(-5)));

        Assert.Equal(ScalingAction.Hold, decision.Action);
        Assert.Contains("every live agent is one the ScalingManager did not start", decision.Reason);
    }

    [Fact]
    public void Predictive_scaling_starts_what_the_forecast_needs_and_keeps_it()
    {
        var options = Options();
        options.Predictive = true;
        var snapshot = Snapshot(T0, [Agent("a"), Agent("b")]) with { ForecastRate = 10, MeanTaskSeconds = 1 };

        var up = Decide(snapshot, options);
        var down = ScalingPolicy.ShouldScaleDown(snapshot, new ScalingMemory(null, null, T0.AddMinutes(-5)), options, upPressure: false);

        // 10 tasks/s × 1 s = 10 busy slots, at 0.8 utilisation 12.5 slots: 4 agents of 4.
        Assert.Equal((ScalingAction.Up, ScalingTrigger.Forecast), (up.Action, up.Trigger));
        Assert.Equal([new ProfileCount("default", 2)], up.Start);
        Assert.Equal(4, up.Numbers["forecastAgents"]);
        Assert.False(down.Yes);
        Assert.Contains("the forecast needs 4 agent(s)", down.Reason);
    }

    [Fact]
    public void The_forecast_is_ignored_unless_predictive_scaling_is_on()
    {
        var snapshot = Snapshot(T0, [Agent("a"), Agent("b")]) with { ForecastRate = 10, MeanTaskSeconds = 1 };

        Assert.Equal(ScalingAction.Hold, Decide(snapshot, Options()).Action);
    }

    [Fact]
    public void Draining_agents_are_not_counted_but_still_cost()
    {
        var options = Options();
        options.MinAgents = 2;
        options.BudgetPerHour = 2;

        var decision = Decide(Snapshot(T0, [Agent("a"), Agent("b", draining: true)]), options);

        Assert.Equal(ScalingAction.Hold, decision.Action); // below the minimum, but b's cost still counts until it stops
        Assert.Contains("budget 2/h: the fleet costs 2/h", decision.Reason);
    }

    [Fact]
    public void Agents_still_draining_count_against_the_maximum()
    {
        var options = Options();
        options.MaxAgents = 4;

        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", inFlight: 4), Agent("c", draining: true, inFlight: 1)], Waiting(20)),
            options);

        Assert.Equal([new ProfileCount("default", 1)], decision.Start); // 2 live and 1 draining of 4: room for one, not the step of two
    }

    [Fact]
    public void A_long_wait_that_starting_agents_will_end_adds_no_agent()
    {
        var decision = Decide(Snapshot(T0, [Agent("a", inFlight: 4), Agent("b", starting: true)], Waiting(3, oldestSeconds: 8)), Options());

        Assert.Equal(ScalingAction.Hold, decision.Action);
    }
}
