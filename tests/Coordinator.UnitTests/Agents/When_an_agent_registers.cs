using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.UnitTests.Agents;

public class When_an_agent_registers : AgentSagaScenario
{
    [Fact]
    public async Task It_becomes_active_with_what_it_declared()
    {
        var registration = await RegisteredAgent("alpha");

        var saga = Instance("alpha");
        Assert.Equal("alpha", saga.AgentId);
        Assert.Equal(registration.InstanceId, saga.InstanceId);
        Assert.Equal(["echo", "sleep"], saga.Capabilities);
        Assert.Equal(2, saga.CpuCores);
        Assert.Equal(2048, saga.MemoryMb);
        Assert.Equal("host-1", saga.HostName);
        Assert.Equal(42, saga.ProcessId);
        Assert.Equal(Time.GetUtcNow(), saga.LastHeartbeat);
        await AssertNoFaults();
    }

    [Fact]
    public async Task It_publishes_AgentRegistered_and_AgentStateChanged()
    {
        await RegisteredAgent("alpha");

        Assert.True(await Harness.Published.Any<AgentRegistered>(x => x.Context.Message.AgentId == "alpha"));
        Assert.True(await Harness.Published.Any<AgentStateChanged>(x =>
            x.Context.Message.AgentId == "alpha" && x.Context.Message.PreviousState == "Initial" && x.Context.Message.State == "Active"));
    }

    [Fact]
    public async Task A_requester_gets_the_answer()
    {
        var client = Harness.GetRequestClient<RegisterAgent>();

        var response = await client.GetResponse<AgentRegistered, AgentRegistrationRejected>(Registration("alpha"));

        Assert.True(response.Is(out Response<AgentRegistered>? registered));
        Assert.Equal("alpha", registered!.Message.AgentId);
    }
}

public class When_a_registration_is_invalid : AgentSagaScenario
{
    public static TheoryData<string, Func<RegisterAgent, RegisterAgent>, string> Cases => new()
    {
        { "empty id", r => r with { AgentId = "" }, "AgentId is empty" },
        { "bad id", r => r with { AgentId = "no spaces allowed" }, "AgentId 'no spaces allowed' is invalid" },
        { "no capabilities", r => r with { Capabilities = [] }, "Capabilities is empty" },
        { "negative cpu", r => r with { Resources = r.Resources with { CpuCores = -1 } }, "Resources.CpuCores -1 is out of range" },
        { "absurd memory", r => r with { Resources = r.Resources with { MemoryMb = long.MaxValue } }, "Resources.MemoryMb" },
        { "negative disk", r => r with { Resources = r.Resources with { DiskMb = -5 } }, "Resources.DiskMb -5 is out of range" },
        { "zero concurrency", r => r with { MaxConcurrentTasks = 0 }, "MaxConcurrentTasks 0 is out of range" },
        { "no instance", r => r with { InstanceId = Guid.Empty }, "InstanceId is empty" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task It_is_rejected_with_a_reason_and_nothing_is_kept(string situation, Func<RegisterAgent, RegisterAgent> spoil, string reason)
    {
        var registration = spoil(Registration("alpha"));

        await Deliver(registration);

        var rejected = Assert.Single(await PublishedSoFar<AgentRegistrationRejected>());
        Assert.True(rejected.Reason.Contains(reason, StringComparison.Ordinal), $"{situation}: got '{rejected.Reason}'");
        Assert.Null(await Saga.NotExists(Id(registration.AgentId)));
        Assert.Empty(await PublishedSoFar<AgentRegistered>());
        await AssertNoFaults();
    }

    [Fact]
    public async Task The_coordinator_keeps_serving_other_agents()
    {
        await Deliver(Registration("") with { Capabilities = [] });

        await RegisteredAgent("beta");
    }
}

public class When_a_known_agent_registers_again : AgentSagaScenario
{
    [Fact]
    public async Task The_same_instance_is_idempotent()
    {
        var registration = await RegisteredAgent("alpha");
        var before = Instance("alpha").RegisteredAt;
        Time.Advance(TimeSpan.FromSeconds(1));

        await Deliver(registration with { Timestamp = Time.GetUtcNow() });

        Assert.Equal(Machine.Active.Name, Instance("alpha").CurrentState);
        Assert.Equal(before, Instance("alpha").RegisteredAt);
        Assert.Single(await PublishedSoFar<AgentRegistered>());
        Assert.Empty(await PublishedSoFar<AgentRegistrationRejected>());
    }

    [Fact]
    public async Task A_different_live_instance_is_a_conflict()
    {
        var original = await RegisteredAgent("alpha");

        await Deliver(Registration("alpha") with { Capabilities = ["gpu"] });

        var rejected = Assert.Single(await PublishedSoFar<AgentRegistrationRejected>());
        Assert.Contains("already registered by live instance", rejected.Reason);
        Assert.Equal(original.InstanceId, Instance("alpha").InstanceId);
        Assert.Equal(["echo", "sleep"], Instance("alpha").Capabilities);
        await AssertNoFaults();
    }

    [Fact]
    public async Task A_new_instance_takes_over_an_unhealthy_one()
    {
        await RegisteredAgent("alpha");
        await Deliver(new AgentHeartbeatMissed { AgentId = "alpha", MissedHeartbeats = 2, Timestamp = Time.GetUtcNow() });
        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Unhealthy));
        var replacement = Registration("alpha");

        await Deliver(replacement);

        Assert.NotNull(await Saga.Exists(Id("alpha"), Machine.Active));
        Assert.Equal(replacement.InstanceId, Instance("alpha").InstanceId);
        Assert.False(Instance("alpha").WasEvicted, "a new instance has nothing stale to stop");
    }
}
