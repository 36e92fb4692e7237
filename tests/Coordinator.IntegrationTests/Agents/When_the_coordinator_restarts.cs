using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

public sealed class When_the_coordinator_restarts : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync() => _system = await TestSystem.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Every_agent_keeps_its_state_and_live_agents_stay_active()
    {
        _system.StartAgent("stays-1");
        _system.StartAgent("stays-2");
        var leaver = _system.StartAgent("leaves");
        var victim = _system.StartAgent("dies");
        foreach (var id in new[] { "stays-1", "stays-2", "leaves", "dies" })
            await _system.WaitForStateAsync(id, "Active", TimeSpan.FromSeconds(60));
        leaver.Terminate();
        await _system.WaitForStateAsync("leaves", "Unregistered");
        victim.Kill();
        await _system.WaitForStateAsync("dies", "Failed");
        var before = (await _system.Api.AgentsAsync()).ToDictionary(a => a.AgentId);

        _system.Coordinator.Kill();
        await _system.StartCoordinatorAsync("coordinator (restarted)");

        var after = (await _system.Api.AgentsAsync()).ToDictionary(a => a.AgentId);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (id, agent) in before)
        {
            Assert.Equal(agent.State, after[id].State);
            Assert.Equal(agent.InstanceId, after[id].InstanceId);
            Assert.Equal(agent.RegisteredAt, after[id].RegisteredAt);
        }

        // The live agents are heard by the new coordinator for longer than the failure window, without a transition.
        foreach (var id in new[] { "stays-1", "stays-2" })
        {
            var heard = await Eventually.Until(() => _system.Api.AgentAsync(id),
                a => a?.Health.HeartbeatCount >= before[id].Health.HeartbeatCount + TestSystem.FailureThreshold + 2,
                TimeSpan.FromSeconds(30), $"{id} heartbeats through the restarted coordinator", _system.Diagnostics);
            Assert.Equal("Active", heard!.State);
            Assert.Equal("Initial", heard.PreviousState);
        }
    }
}
