using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_the_cli_is_used : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync()
    {
        _system = await TestSystem.StartAsync();
        await _system.StartActiveAgentsAsync(("cli-agent", []));
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    async Task<(int ExitCode, string Output)> Cli(params string[] arguments)
    {
        await using var cli = new CliProcess(_system, arguments);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, cli.Output);
    }

    [Fact]
    public async Task Many_tasks_are_submitted_and_waited_for_then_listed_and_shown()
    {
        var (submitted, output) = await Cli("submit", "--type", "echo", "--payload", """{"n": 1}""", "--count", "25", "--wait", "--timeout", "90");
        Assert.True(submitted == 0, output);
        // The list reads the database; what the CLI waited on also shows updates still in the ledger's batch.
        await Eventually.Until(async () => (await _system.Api.TasksAsync("Completed")).Count, n => n == 25, TimeSpan.FromSeconds(10),
            "25 tasks listed Completed", _system.Diagnostics);

        var (listed, agents) = await Cli("agents");
        Assert.True(listed == 0, agents);
        Assert.Contains("cli-agent", agents);

        var id = (await _system.Api.TasksAsync("Completed"))[0].TaskId;
        var (shown, task) = await Cli("task", id);
        Assert.True(shown == 0, task);
        Assert.Contains(id, task);
        Assert.Contains("Completed", task);
    }

    [Fact]
    public async Task A_rejected_submission_shows_the_reason_and_fails()
    {
        var (exit, output) = await Cli("submit", "--type", "warp-drive");

        Assert.Equal(2, exit);
        Assert.Contains("unknown capability: no registered agent offers 'warp-drive'", output);
    }
}
