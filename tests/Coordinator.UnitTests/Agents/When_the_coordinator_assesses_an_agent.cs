using Coordinator.Contracts;

namespace Coordinator.UnitTests.Agents;

/// <summary>The coordinator's own verdict and the agent's report: the state follows the worse of the two.</summary>
public class When_the_coordinator_assesses_an_agent : AgentSagaScenario
{
    AgentHealthAssessed Assessment(string agentId, AgentHealthStatus status, string reason = "memory 990 of 1000 MB (99%)") =>
        new() { AgentId = agentId, Status = status, Reason = status == AgentHealthStatus.Healthy ? "" : reason, Timestamp = Time.GetUtcNow() };

    [Fact]
    public async Task Its_verdict_degrades_an_agent_that_reports_itself_healthy_until_it_clears()
    {
        var agent = await RegisteredAgent("alpha");

        await Deliver(Assessment("alpha", AgentHealthStatus.Unhealthy));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unhealthy));
        Assert.Equal("coordinator: memory 990 of 1000 MB (99%)", Instance("alpha").StateReason);

        await Deliver(Report(agent)); // the agent still says Healthy: the worse verdict stands
        Assert.Equal(Machine.Unhealthy.Name, Instance("alpha").CurrentState);

        await Deliver(Assessment("alpha", AgentHealthStatus.Degraded, "recent median duration 3.2x its own baseline"));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Degraded));

        await Deliver(Assessment("alpha", AgentHealthStatus.Healthy));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
        Assert.Equal("heartbeat", Instance("alpha").StateReason);
    }

    [Fact]
    public async Task The_agents_own_worse_report_still_counts_after_a_healthy_verdict()
    {
        var agent = await RegisteredAgent("alpha");

        await Deliver(Report(agent, AgentHealthStatus.Degraded));
        await Deliver(Assessment("alpha", AgentHealthStatus.Healthy));

        Assert.Equal(Machine.Degraded.Name, Instance("alpha").CurrentState);
        Assert.Equal("agent reported Degraded", Instance("alpha").StateReason);
    }

    [Fact]
    public async Task A_healthy_verdict_does_not_revive_an_agent_unhealthy_for_missed_heartbeats()
    {
        await RegisteredAgent("alpha");
        await Deliver(new AgentHeartbeatMissed { AgentId = "alpha", MissedHeartbeats = 2, Timestamp = Time.GetUtcNow() });
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unhealthy));

        await Deliver(Assessment("alpha", AgentHealthStatus.Healthy));

        Assert.Equal(Machine.Unhealthy.Name, Instance("alpha").CurrentState);
    }

    [Fact]
    public async Task A_new_registration_starts_from_a_clean_verdict()
    {
        var agent = await RegisteredAgent("alpha");
        await Deliver(Assessment("alpha", AgentHealthStatus.Unhealthy));
        await Deliver(new AgentFailureDetected { AgentId = "alpha", Reason = "test", Timestamp = Time.GetUtcNow() });
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Failed));

        await Deliver(Registration("alpha"));

        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
        Assert.Equal("Healthy", Instance("alpha").AssessedStatus);
    }
}
