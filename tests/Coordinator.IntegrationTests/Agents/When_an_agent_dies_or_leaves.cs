using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

public sealed class When_an_agent_dies_or_leaves : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync() => _system = await TestSystem.StartAsync();

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_killed_agent_is_marked_unhealthy_then_failed_within_the_failure_window()
    {
        var agent = _system.StartAgent("doomed");
        await _system.WaitForStateAsync("doomed", "Active", TimeSpan.FromSeconds(60));
        // Let a few heartbeats land so "last heard" is a heartbeat, not the registration.
        await Eventually.Until(() => _system.Api.AgentAsync("doomed"), a => a?.Health.HeartbeatCount >= 2, TimeSpan.FromSeconds(10),
            "two heartbeats", _system.Diagnostics);

        agent.Kill();

        var failed = await _system.WaitForStateAsync("doomed", "Failed", TimeSpan.FromSeconds(15));
        Assert.Equal("Unhealthy", failed.PreviousState);
        Assert.StartsWith("missed 3 heartbeats", failed.StateReason);
        // Measured by the coordinator itself: from the last heartbeat it heard to the transition to Failed.
        var detection = failed.UpdatedAt - failed.LastHeartbeat!.Value;
        var bound = TestSystem.HeartbeatInterval * TestSystem.FailureThreshold + TestSystem.SweepInterval;
        Assert.True(detection <= bound + TimeSpan.FromMilliseconds(500),
            $"failed {detection.TotalSeconds:0.00} s after the last heartbeat; bound {bound.TotalSeconds:0.00} s (+0.5 s for message delivery)");
        Assert.True(detection >= TestSystem.HeartbeatInterval * TestSystem.FailureThreshold,
            $"failed after only {detection.TotalSeconds:0.00} s: earlier than {TestSystem.FailureThreshold} missed heartbeats");
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
