using Coordinator.Agents;
using Coordinator.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Agents;

/// <summary>What the state machine does with the reports the heartbeat consumer forwards (status changes, signs of life).</summary>
public class When_heartbeats_arrive : AgentSagaScenario
{
    [Fact]
    public async Task Health_and_load_are_recorded()
    {
        var agent = await RegisteredAgent("alpha");

        var report = Report(agent, activeTasks: 3);
        await Deliver(report);

        var saga = Instance("alpha");
        Assert.Equal(3, saga.ActiveTasks);
        Assert.Equal(12.5, saga.CpuPercent);
        Assert.Equal(300, saga.MemoryUsedMb);
        Assert.Equal(1, saga.ErrorCount);
        Assert.Equal(report.HeartbeatCount, saga.HeartbeatCount);
        Assert.Equal(report.LastHeartbeat, saga.LastHeartbeat);
    }

    [Fact]
    public async Task A_degraded_report_degrades_and_a_healthy_one_restores()
    {
        var agent = await RegisteredAgent("alpha");

        await Deliver(Report(agent, AgentHealthStatus.Degraded));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Degraded));

        await Deliver(Report(agent, AgentHealthStatus.Unhealthy));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unhealthy));

        await Deliver(Report(agent));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
        Assert.True(await Harness.Published.Any<AgentStateChanged>(x =>
            x.Context.Message.PreviousState == "Unhealthy" && x.Context.Message.State == "Active"));
    }

    [Fact]
    public async Task An_older_report_arriving_late_does_not_overwrite_a_newer_one()
    {
        var agent = await RegisteredAgent("alpha");
        var older = Report(agent, AgentHealthStatus.Degraded, activeTasks: 1);
        var newer = Report(agent, AgentHealthStatus.Healthy, activeTasks: 2);

        await Deliver(newer);
        await Deliver(older);

        var saga = Instance("alpha");
        Assert.Equal(2, saga.ActiveTasks);
        Assert.Equal(Machine.Active.Name, saga.CurrentState);
        Assert.Equal(newer.LastHeartbeat, saga.LastHeartbeat);
    }

    [Fact]
    public async Task A_report_of_a_replaced_instance_changes_nothing()
    {
        var agent = await RegisteredAgent("alpha");
        var impostor = agent with { InstanceId = Guid.NewGuid() };

        await Deliver(Report(impostor, AgentHealthStatus.Unhealthy, activeTasks: 9));

        Assert.Equal(0, Instance("alpha").ActiveTasks);
        Assert.Equal(Machine.Active.Name, Instance("alpha").CurrentState);
        await AssertNoFaults();
    }

    [Fact]
    public async Task A_report_for_an_unknown_agent_is_dropped_without_a_saga()
    {
        await Deliver(new AgentHealthReported { AgentId = "ghost", InstanceId = Guid.NewGuid(), Timestamp = Time.GetUtcNow() });

        Assert.Null(await Saga.NotExists(Id("ghost")));
        await AssertNoFaults();
    }
}

/// <summary>The heartbeat consumer's decisions, against the saga as the registry holds it.</summary>
public class Heartbeat_rules
{
    static readonly Guid Instance = Guid.NewGuid();

    static AgentState Saga(string state, int missed = 0, string reported = "Healthy") => new()
    {
        AgentId = "alpha",
        InstanceId = Instance,
        CurrentState = state,
        StateReason = "missed 3 heartbeats",
        MissedHeartbeats = missed,
        ReportedStatus = reported,
    };

    static AgentHeartbeat Beat(Guid? instance = null) => new() { AgentId = "alpha", InstanceId = instance ?? Instance, Timestamp = DateTimeOffset.UtcNow };

    [Theory]
    [InlineData("Active")]
    [InlineData("Degraded")]
    [InlineData("Unhealthy")]
    [InlineData("Draining")]
    public void The_registered_instance_of_a_live_agent_is_taken(string state) => Assert.Null(HeartbeatRules.Refused(Saga(state), Beat()));

    [Fact]
    public void A_failed_agent_is_told_to_register_again() =>
        Assert.Equal("agent 'alpha' was declared Failed (missed 3 heartbeats); it must register again", HeartbeatRules.Refused(Saga("Failed"), Beat()));

    [Theory]
    [InlineData("Active")]
    [InlineData("Failed")]
    public void Another_instance_is_refused(string state) =>
        Assert.Contains("is not the registered instance", HeartbeatRules.Refused(Saga(state), Beat(Guid.NewGuid())));

    [Fact]
    public void An_unregistered_agent_is_not_refused_its_late_heartbeat_means_nothing() =>
        Assert.Null(HeartbeatRules.Refused(Saga("Unregistered"), Beat(Guid.NewGuid())));

    [Fact]
    public void A_steady_healthy_heartbeat_stays_in_memory() =>
        Assert.Equal((false, false), HeartbeatRules.Matters(Saga("Active"), AgentHealthStatus.Healthy, latest: true));

    [Fact]
    public void A_changed_status_is_forwarded() =>
        Assert.Equal((true, false), HeartbeatRules.Matters(Saga("Active"), AgentHealthStatus.Degraded, latest: true));

    [Fact]
    public void A_changed_status_in_an_older_report_is_not() =>
        Assert.Equal((false, false), HeartbeatRules.Matters(Saga("Active"), AgentHealthStatus.Degraded, latest: false));

    [Fact]
    public void An_agent_held_silent_is_heard_again() =>
        Assert.Equal((true, true), HeartbeatRules.Matters(Saga("Unhealthy", missed: 2), AgentHealthStatus.Healthy, latest: false));
}

/// <summary>A refused instance is told once per two intervals, however fast it heartbeats; memory stays bounded.</summary>
public sealed class Heartbeat_refusals
{
    readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    readonly HeartbeatRefusals _refusals;

    public Heartbeat_refusals() => _refusals = new HeartbeatRefusals(new CoordinatorOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) }, _time);

    [Fact]
    public void An_instance_is_told_once_per_two_intervals()
    {
        var instance = Guid.NewGuid();
        var said = 0;
        for (var i = 0; i < 50; i++) // 5 s of heartbeats every 100 ms
        {
            if (_refusals.ShouldSay("alpha", instance))
                said++;
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        Assert.Equal(3, said); // at 0, 2 and 4 s
    }

    [Fact]
    public void Other_instances_are_not_held_back()
    {
        Assert.True(_refusals.ShouldSay("alpha", Guid.NewGuid()));
        Assert.True(_refusals.ShouldSay("alpha", Guid.NewGuid()));
        Assert.True(_refusals.ShouldSay("beta", Guid.NewGuid()));
    }

    [Fact]
    public void A_flood_of_made_up_ids_cannot_grow_the_memory()
    {
        for (var i = 0; i < HeartbeatRefusals.MaxRemembered * 3; i++)
            _refusals.ShouldSay($"made-up-{i}", Guid.NewGuid());
        Assert.True(_refusals.Remembered <= HeartbeatRefusals.MaxRemembered, $"{_refusals.Remembered} remembered");
    }
}
