using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Packages;

/// <summary>The CLI as a .NET tool: installed from artifacts/packages, then run by its command name against a real coordinator.</summary>
public sealed class When_the_cli_is_installed_as_a_tool
{
    [Fact]
    public async Task It_installs_from_the_local_package_and_coordinator_cli_submits_and_waits()
    {
        var version = await PackedArtifacts.VersionAsync();
        var tools = Path.Combine(Path.GetTempPath(), "coordinator-tools-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (var install = new HostProcess("dotnet tool install", "tool",
                             ["install", "Coordinator.Cli", "--tool-path", tools, "--add-source", PackedArtifacts.Directory, "--version", version,
                                 "--ignore-failed-sources"],
                             new Dictionary<string, string>(), RepositoryPaths.Root))
            {
                var installed = await install.WaitForExitAsync(TimeSpan.FromMinutes(2));
                Assert.True(installed == 0, install.Output);
            }
            var command = Path.Combine(tools, "coordinator-cli");

            var (helped, help) = await RunAsync(command, "--help");
            Assert.True(helped == 0, help);
            Assert.Contains("coordinator-cli [command] [options]", help);

            await using var system = await TestSystem.StartAsync();
            await system.StartActiveAgentsAsync(("tool-agent", []));
            var (submitted, output) = await RunAsync(command, "--url", system.Api.Http.BaseAddress!.ToString(),
                "submit", "--type", "echo", "--payload", """{"from": "the tool"}""", "--wait", "--timeout", "60");
            Assert.True(submitted == 0, output);
            var task = Assert.Single(await system.Api.TasksAsync("Completed"));
            Assert.Equal("the tool", task.Result!.Value.GetProperty("from").GetString());
        }
        finally
        {
            try { Directory.Delete(tools, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }

    static async Task<(int ExitCode, string Output)> RunAsync(string command, params string[] arguments)
    {
        await using var cli = new HostProcess("coordinator-cli (tool)", arguments[0], arguments[1..], new Dictionary<string, string>(),
            Path.GetTempPath(), program: command);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, cli.Output);
    }
}
