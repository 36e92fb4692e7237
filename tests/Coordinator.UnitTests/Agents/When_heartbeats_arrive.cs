using Coordinator.Contracts;

namespace Coordinator.UnitTests.Agents;

public class When_heartbeats_arrive : AgentSagaScenario
{
    [Fact]
    public async Task Health_and_load_are_recorded()
    {
        var agent = await RegisteredAgent("alpha");

        await Deliver(Heartbeat(agent, activeTasks: 3));

        var saga = Instance("alpha");
        Assert.Equal(3, saga.ActiveTasks);
        Assert.Equal(12.5, saga.CpuPercent);
        Assert.Equal(300, saga.MemoryUsedMb);
        Assert.Equal(1, saga.ErrorCount);
        Assert.Equal(1, saga.HeartbeatCount);
        Assert.Equal(Time.GetUtcNow(), saga.LastHeartbeat);
    }

    [Fact]
    public async Task A_degraded_report_degrades_and_a_healthy_one_restores()
    {
        var agent = await RegisteredAgent("alpha");

        await Deliver(Heartbeat(agent, AgentHealthStatus.Degraded));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Degraded));

        await Deliver(Heartbeat(agent, AgentHealthStatus.Unhealthy));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unhealthy));

        await Deliver(Heartbeat(agent));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
        Assert.True(await Harness.Published.Any<AgentStateChanged>(x =>
            x.Context.Message.PreviousState == "Unhealthy" && x.Context.Message.State == "Active"));
    }

    [Fact]
    public async Task An_older_report_arriving_late_does_not_overwrite_a_newer_one()
    {
        var agent = await RegisteredAgent("alpha");
        var older = Heartbeat(agent, AgentHealthStatus.Degraded, activeTasks: 1);
        var newer = Heartbeat(agent, AgentHealthStatus.Healthy, activeTasks: 2);

        await Deliver(newer);
        await Deliver(older);

        var saga = Instance("alpha");
        Assert.Equal(2, saga.ActiveTasks);
        Assert.Equal(Machine.Active.Name, saga.CurrentState);
        Assert.Equal(2, saga.HeartbeatCount);
    }

    [Fact]
    public async Task An_unknown_agent_is_rejected_with_a_reason()
    {
        await Deliver(new AgentHeartbeat { AgentId = "ghost", InstanceId = Guid.NewGuid(), Timestamp = Time.GetUtcNow() });

        var rejected = Assert.Single(await PublishedSoFar<AgentHeartbeatRejected>());
        Assert.Equal("agent 'ghost' is not registered", rejected.Reason);
        Assert.Null(await Saga.NotExists(Id("ghost")));
        await AssertNoFaults();
    }

    [Fact]
    public async Task A_stale_instance_is_rejected_and_changes_nothing()
    {
        var agent = await RegisteredAgent("alpha");
        var impostor = agent with { InstanceId = Guid.NewGuid() };

        await Deliver(Heartbeat(impostor, AgentHealthStatus.Unhealthy, activeTasks: 9));

        var rejected = Assert.Single(await PublishedSoFar<AgentHeartbeatRejected>());
        Assert.Contains("is not the registered instance", rejected.Reason);
        Assert.Equal(0, Instance("alpha").ActiveTasks);
        Assert.Equal(Machine.Active.Name, Instance("alpha").CurrentState);
    }
}
