using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

public sealed class When_an_agent_dies_or_leaves : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync() => _system = await TestSystem.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    /// <summary>Starts an agent and lets enough heartbeats land for its history to mean something.</summary>
    async Task<AgentProcess> SteadyAgentAsync(string agentId)
    {
        var agent = _system.StartAgent(agentId);
        await _system.WaitForStateAsync(agentId, "Active", TimeSpan.FromSeconds(60));
        await Eventually.Until(() => _system.Api.AgentAsync(agentId), a => a?.Health.HeartbeatCount >= 6, TimeSpan.FromSeconds(20),
            "six heartbeats", _system.Diagnostics);
        return agent;
    }

    /// <summary>Measured by the coordinator itself: from the last heartbeat it heard to the transition to Failed.</summary>
    static TimeSpan DetectionOf(AgentDto failed) => failed.UpdatedAt - failed.LastHeartbeat!.Value;

    [Fact]
    public async Task A_killed_agent_is_failed_as_soon_as_its_consumer_is_gone_and_a_heartbeat_is_overdue()
    {
        var agent = await SteadyAgentAsync("doomed");

        agent.Kill();

        var failed = await _system.WaitForStateAsync("doomed", "Failed", TimeSpan.FromSeconds(15));
        Assert.StartsWith("no consumer on agent-doomed", failed.StateReason);
        var detection = DetectionOf(failed);
        var earliest = TestSystem.HeartbeatInterval * 1.5;
        Assert.True(detection >= earliest, $"failed after only {detection.TotalSeconds:0.00} s: before 1.5 heartbeats of silence");
        Assert.True(detection <= earliest + TestSystem.SweepInterval + TimeSpan.FromMilliseconds(500),
            $"failed {detection.TotalSeconds:0.00} s after the last heartbeat; bound {(earliest + TestSystem.SweepInterval).TotalSeconds:0.00} s (+0.5 s for delivery)");
    }

    [Fact]
    public async Task A_frozen_agent_keeps_its_consumer_and_is_failed_by_phi_accrual_within_three_heartbeats()
    {
        var agent = await SteadyAgentAsync("frozen");

        agent.Pause(); // SIGSTOP: its connection, and so its consumer, stays
        try
        {
            var failed = await _system.WaitForStateAsync("frozen", "Failed", TimeSpan.FromSeconds(15));
            var detection = DetectionOf(failed);
            Assert.True(failed.StateReason.StartsWith("phi ") || failed.StateReason.StartsWith("missed 3 heartbeats"), failed.StateReason);
            Assert.True(detection >= TestSystem.HeartbeatInterval * 2.5, $"failed after only {detection.TotalSeconds:0.00} s");
            Assert.True(detection <= TestSystem.HeartbeatInterval * TestSystem.FailureThreshold + TestSystem.SweepInterval + TimeSpan.FromMilliseconds(500),
                $"failed {detection.TotalSeconds:0.00} s after the last heartbeat: {failed.StateReason}");
        }
        finally
        {
            agent.Resume();
        }
    }

    [Fact]
    public async Task A_gracefully_stopped_agent_drains_and_ends_unregistered()
    {
        var agent = _system.StartAgent("leaving");
        await _system.WaitForStateAsync("leaving", "Active", TimeSpan.FromSeconds(60));

        agent.Terminate();

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var gone = await _system.WaitForStateAsync("leaving", "Unregistered", TimeSpan.FromSeconds(10));
        Assert.True(gone.PreviousState == "Draining", $"previous state {gone.PreviousState}\n{_system.Diagnostics()}");
        Assert.Equal("graceful stop", gone.StateReason);
    }
}
