using Coordinator.Contracts;

namespace Coordinator.UnitTests.Agents;

public class When_an_agent_stops_gracefully : AgentSagaScenario
{
    [Fact]
    public async Task It_drains_then_ends_unregistered()
    {
        var agent = await RegisteredAgent("alpha");

        await Deliver(new DrainAgent { AgentId = "alpha", InstanceId = agent.InstanceId, Timestamp = Time.GetUtcNow() });
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Draining));

        await Deliver(Report(agent, activeTasks: 1));
        Assert.Equal(Machine.Draining.Name, Instance("alpha").CurrentState);

        await Deliver(new UnregisterAgent { AgentId = "alpha", InstanceId = agent.InstanceId, Reason = "graceful stop", Timestamp = Time.GetUtcNow() });
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unregistered));
        var unregistered = Assert.Single(await PublishedSoFar<AgentUnregistered>());
        Assert.Equal("graceful stop", unregistered.Reason);
    }

    [Fact]
    public async Task Late_heartbeats_and_duplicate_commands_are_ignored()
    {
        var agent = await RegisteredAgent("alpha");
        var unregister = new UnregisterAgent { AgentId = "alpha", InstanceId = agent.InstanceId, Timestamp = Time.GetUtcNow() };
        await Deliver(unregister);

        await Deliver(Report(agent));
        await Deliver(unregister with { Timestamp = Time.GetUtcNow() });
        await Deliver(new DrainAgent { AgentId = "alpha", InstanceId = agent.InstanceId, Timestamp = Time.GetUtcNow() });

        Assert.Equal(Machine.Unregistered.Name, Instance("alpha").CurrentState);
        Assert.Single(await PublishedSoFar<AgentUnregistered>());
        Assert.Empty(await PublishedSoFar<AgentHeartbeatRejected>());
        await AssertNoFaults();
    }

    [Fact]
    public async Task Another_instance_cannot_unregister_it()
    {
        await RegisteredAgent("alpha");

        await Deliver(new UnregisterAgent { AgentId = "alpha", InstanceId = Guid.NewGuid(), Timestamp = Time.GetUtcNow() });

        Assert.Equal(Machine.Active.Name, Instance("alpha").CurrentState);
    }

    [Fact]
    public async Task An_unregistered_agent_can_come_back()
    {
        var agent = await RegisteredAgent("alpha");
        await Deliver(new UnregisterAgent { AgentId = "alpha", InstanceId = agent.InstanceId, Timestamp = Time.GetUtcNow() });

        await Deliver(Registration("alpha"));

        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
    }
}
