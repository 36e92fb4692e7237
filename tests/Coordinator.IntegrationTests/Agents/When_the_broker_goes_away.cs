using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

[Collection(BrokerOutageCollection.Name)]
public sealed class When_the_broker_goes_away : IAsyncLifetime
{
    TestSystem _system = null!;
    bool _brokerStopped;

    public async Task InitializeAsync() => _system = await TestSystem.StartAsync();

    public async Task DisposeAsync()
    {
        if (_brokerStopped)
            await BrokerOutage.StartAsync();
        await _system.DisposeAsync();
    }

    [Fact]
    public async Task Agents_keep_retrying_and_are_active_again_when_it_returns()
    {
        var agent = _system.StartAgent("patient");
        await _system.WaitForStateAsync("patient", "Active", TimeSpan.FromSeconds(60));

        _brokerStopped = true;
        await BrokerOutage.StopAsync();
        await Eventually.Until(() => Task.FromResult(agent.Output.Contains("could not send")), TimeSpan.FromSeconds(30),
            "the agent to notice the broker is gone", _system.Diagnostics);
        var heardBefore = (await _system.Api.AgentAsync("patient"))!.LastHeartbeat;
        await BrokerOutage.StartAsync();
        _brokerStopped = false;

        // Back to Active, with heartbeats heard after the outage (whether or not it was declared failed meanwhile).
        var back = await Eventually.Until(() => _system.Api.AgentAsync("patient"),
            a => a?.State == "Active" && a.LastHeartbeat > heardBefore + TimeSpan.FromSeconds(2),
            TimeSpan.FromSeconds(90), "the agent active again after the outage", _system.Diagnostics);
        Assert.False(agent.HasExited);
        Assert.Equal("Active", back!.State);
    }
}
