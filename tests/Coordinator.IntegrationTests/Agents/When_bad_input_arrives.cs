using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>Bad messages are rejected with a reason, and the coordinator keeps serving everyone else.</summary>
public sealed class When_bad_input_arrives : IAsyncLifetime
{
    const string EventsQueue = "test-agent-events";
    TestSystem _system = null!;
    TestBus _bus = null!;

    public async Task InitializeAsync()
    {
        _system = await TestSystem.StartAsync();
        _bus = await TestBus.StartAsync(_system.VirtualHost);
        // Watch the public lifecycle events exchange as any AMQP client could.
        await _system.Broker.DeclareFanoutExchangeAsync(_system.VirtualHost, EntityNames.AgentEvents);
        await _system.Broker.DeclareQueueAsync(_system.VirtualHost, EventsQueue);
        await _system.Broker.BindQueueAsync(_system.VirtualHost, EntityNames.AgentEvents, EventsQueue);
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _system.DisposeAsync();
    }

    readonly List<JsonElement> _events = [];

    /// <summary>Waits for a lifecycle event of the given type matching a predicate; returns its message body.</summary>
    async Task<JsonElement> EventAsync(string messageType, Func<JsonElement, bool> match)
    {
        return await Eventually.Until(async () =>
            {
                foreach (var m in await _system.Broker.GetMessagesAsync(_system.VirtualHost, EventsQueue))
                    _events.Add(JsonDocument.Parse(m.Payload).RootElement.Clone());
                return _events.Where(e => e.GetProperty("messageType").EnumerateArray().Any(t => t.GetString()!.EndsWith(":" + messageType)))
                    .Select(e => e.GetProperty("message"))
                    .FirstOrDefault(match);
            }, e => e.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(20), $"a {messageType} event", _system.Diagnostics);
    }

    [Fact]
    public async Task An_unparseable_message_goes_to_the_error_queue_and_service_continues()
    {
        var routed = await _system.Broker.PublishAsync(_system.VirtualHost, EntityNames.AgentControl, "{ this is not json",
            "application/vnd.masstransit+json");
        Assert.True(routed);

        var error = await Eventually.Until(() => _system.Broker.GetQueueAsync(_system.VirtualHost, EntityNames.AgentControl + "_error"),
            q => q is { Messages: 1 }, TimeSpan.FromSeconds(20), "the message in coordinator.agents_error", _system.Diagnostics);
        Assert.NotNull(error);
        Assert.Contains("coordinator.agents", _system.Coordinator.Output); // the fault was logged with the endpoint

        _system.StartAgent("still-served");
        await _system.WaitForStateAsync("still-served", "Active", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_heartbeat_from_an_unknown_agent_is_rejected_with_a_reason()
    {
        await _bus.SendToCoordinatorAsync(new AgentHeartbeat { AgentId = "stranger", InstanceId = Guid.NewGuid(), Timestamp = DateTimeOffset.UtcNow });

        var rejected = await EventAsync(nameof(AgentHeartbeatRejected), m => m.GetProperty("agentId").GetString() == "stranger");

        Assert.Equal("agent 'stranger' is not registered", rejected.GetProperty("reason").GetString());
        await Eventually.Until(() => Task.FromResult(_system.Coordinator.Output.Contains("Heartbeat from agent stranger")),
            TimeSpan.FromSeconds(10), "the rejection in the coordinator's log");
        Assert.Null(await _system.Api.AgentAsync("stranger"));
    }

    [Theory]
    [InlineData("", "AgentId is empty")]
    [InlineData("no-capabilities", "Capabilities is empty")]
    [InlineData("negative-memory", "Resources.MemoryMb -1 is out of range")]
    [InlineData("absurd-cpu", "Resources.CpuCores 1000000 is out of range")]
    public async Task An_invalid_registration_is_rejected_with_a_reason(string agentId, string reason)
    {
        var registration = TestBus.Registration(agentId) with
        {
            Capabilities = agentId == "no-capabilities" ? [] : ["echo"],
            Resources = new AgentResources
            {
                CpuCores = agentId == "absurd-cpu" ? 1_000_000 : 1,
                MemoryMb = agentId == "negative-memory" ? -1 : 512,
            },
        };

        var answer = await _bus.RegisterAsync(registration);

        Assert.True(answer.Is(out MassTransit.Response<AgentRegistrationRejected>? rejected), "rejected");
        Assert.Contains(reason, rejected!.Message.Reason);
        Assert.Contains("rejected: " + reason, _system.Coordinator.Output);
        if (agentId != "")
            Assert.Null(await _system.Api.AgentAsync(agentId));
    }

    [Fact]
    public async Task A_conflicting_registration_is_rejected_and_the_live_agent_is_untouched()
    {
        _system.StartAgent("original");
        var original = await _system.WaitForStateAsync("original", "Active", TimeSpan.FromSeconds(60));

        var answer = await _bus.RegisterAsync(TestBus.Registration("original") with { Capabilities = ["impostor"] });

        Assert.True(answer.Is(out MassTransit.Response<AgentRegistrationRejected>? rejected), "rejected");
        Assert.Contains("already registered by live instance", rejected!.Message.Reason);
        var after = await _system.Api.AgentAsync("original");
        Assert.Equal(original.InstanceId, after!.InstanceId);
        Assert.Equal(original.Capabilities, after.Capabilities);
        Assert.Equal("Active", after.State);
    }
}
