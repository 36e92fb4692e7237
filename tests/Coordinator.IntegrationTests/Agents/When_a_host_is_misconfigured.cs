using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>Invalid configuration stops the real process with exit code 1 and a message that names the key.</summary>
public sealed class When_a_host_is_misconfigured : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync() => _system = await TestSystem.StartAsync(startCoordinator: false);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task The_coordinator_exits_naming_the_key()
    {
        var environment = _system.CoordinatorEnvironment(FreePort.Next());
        environment["Coordinator__FailureThreshold"] = "0";
        await using var coordinator = new CoordinatorProcess("coordinator", environment, _system.WorkDirectory);

        Assert.Equal(1, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Coordinator:FailureThreshold", coordinator.Output);
    }

    [Fact]
    public async Task The_agent_worker_exits_naming_the_key()
    {
        var agent = _system.StartAgent("misconfigured", "--concurrency", "0");

        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Agent:MaxConcurrentTasks", agent.Output);
    }
}
