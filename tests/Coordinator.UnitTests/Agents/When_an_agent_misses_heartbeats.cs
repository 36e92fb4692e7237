using Coordinator.Contracts;

namespace Coordinator.UnitTests.Agents;

public class When_an_agent_misses_heartbeats : AgentSagaScenario
{
    AgentHeartbeatMissed Missed(string agentId, int missed, DateTimeOffset? lastSeen) =>
        new() { AgentId = agentId, MissedHeartbeats = missed, LastHeartbeat = lastSeen, Timestamp = Time.GetUtcNow() };

    AgentFailureDetected FailureOf(string agentId, DateTimeOffset? lastSeen) =>
        new() { AgentId = agentId, Reason = "missed 3 heartbeats", LastHeartbeat = lastSeen, Timestamp = Time.GetUtcNow() };

    [Fact]
    public async Task It_is_marked_unhealthy_then_failed()
    {
        await RegisteredAgent("alpha");
        var lastSeen = Instance("alpha").LastHeartbeat;

        await Deliver(Missed("alpha", 2, lastSeen));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unhealthy));
        Assert.Equal(2, Instance("alpha").MissedHeartbeats);

        await Deliver(FailureOf("alpha", lastSeen));
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Failed));
        var failed = Assert.Single(await PublishedSoFar<AgentFailed>());
        Assert.Equal("missed 3 heartbeats", failed.Reason);
        await AssertNoFaults();
    }

    [Fact]
    public async Task A_verdict_older_than_the_latest_heartbeat_is_ignored()
    {
        var agent = await RegisteredAgent("alpha");
        var seenBySweep = Instance("alpha").LastHeartbeat;
        await Deliver(Report(agent));

        await Deliver(Missed("alpha", 2, seenBySweep));
        await Deliver(FailureOf("alpha", seenBySweep));

        Assert.Equal(Machine.Active.Name, Instance("alpha").CurrentState);
        Assert.Empty(await PublishedSoFar<AgentFailed>());
    }

    [Fact]
    public async Task Duplicate_and_late_verdicts_are_ignored_once_failed()
    {
        await RegisteredAgent("alpha");
        var lastSeen = Instance("alpha").LastHeartbeat;
        await Deliver(FailureOf("alpha", lastSeen));

        await Deliver(FailureOf("alpha", lastSeen));
        await Deliver(Missed("alpha", 5, lastSeen));

        Assert.Equal(Machine.Failed.Name, Instance("alpha").CurrentState);
        Assert.Single(await PublishedSoFar<AgentFailed>());
        await AssertNoFaults();
    }

    [Fact]
    public async Task A_failed_agent_stays_failed_until_it_registers_again()
    {
        var agent = await RegisteredAgent("alpha");
        await Deliver(FailureOf("alpha", Instance("alpha").LastHeartbeat));

        await Deliver(Report(agent)); // the heartbeat consumer refuses its heartbeats (Heartbeat_rules); a late report changes nothing
        Assert.Equal(Machine.Failed.Name, Instance("alpha").CurrentState);

        await Deliver(agent with { Timestamp = Time.GetUtcNow() });
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
        var registrations = await PublishedSoFar<AgentRegistered>();
        Assert.Equal([false, true], registrations.Select(r => r.WasEvicted));

        var client = Harness.GetRequestClient<RegisterAgent>();
        var confirmed = await client.GetResponse<AgentRegistered, AgentRegistrationRejected>(agent with { Timestamp = Time.GetUtcNow() });
        Assert.True(confirmed.Is(out MassTransit.Response<AgentRegistered>? again) && !again!.Message.WasEvicted,
            "a later confirmation of the registration does not repeat the eviction");
    }

    [Fact]
    public async Task Verdicts_about_unknown_agents_are_discarded()
    {
        await Deliver(Missed("ghost", 2, null));
        await Deliver(FailureOf("ghost", null));

        Assert.Null(await Saga.NotExists(Id("ghost")));
        await AssertNoFaults();
    }
}
