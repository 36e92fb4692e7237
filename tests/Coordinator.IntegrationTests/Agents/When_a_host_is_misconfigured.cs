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
    public async Task Outside_development_the_coordinator_refuses_default_credentials_naming_each_key()
    {
        var environment = _system.CoordinatorEnvironment(FreePort.Next());
        environment["RabbitMq__Username"] = "guest";
        environment["RabbitMq__Password"] = "guest";
        environment.Remove("Api__OpenTo"); // and no key
        await using var coordinator = new CoordinatorProcess("coordinator", environment, _system.WorkDirectory);

        Assert.Equal(1, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("refusing to start outside Development (Production) on default credentials", coordinator.Output);
        Assert.Contains("RabbitMq:Username and RabbitMq:Password are RabbitMQ's default guest/guest", coordinator.Output);
        Assert.Contains("Api:Keys is empty", coordinator.Output);
    }

    [Fact]
    public async Task In_development_the_defaults_are_allowed()
    {
        var port = FreePort.Next();
        var environment = _system.CoordinatorEnvironment(port);
        environment["RabbitMq__Username"] = "guest";
        environment["RabbitMq__Password"] = "guest";
        environment.Remove("Api__OpenTo");
        environment["DOTNET_ENVIRONMENT"] = "Development";
        await using var coordinator = new CoordinatorProcess("coordinator", environment, _system.WorkDirectory);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await Eventually.Until(async () =>
            {
                if (coordinator.HasExited)
                    throw new InvalidOperationException($"the coordinator exited with {coordinator.ExitCode}\n{coordinator.Output}");
                return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
            },
            TimeSpan.FromSeconds(60), "the coordinator to be ready", () => coordinator.Output);
    }

    [Fact]
    public async Task The_agent_worker_exits_naming_the_key()
    {
        var agent = _system.StartAgent("misconfigured", "--concurrency", "0");

        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Agent:MaxConcurrentTasks", agent.Output);
    }
}
