using System.CommandLine;
using CoordinatorCli.Agents;
using CoordinatorCli.Scaling;
using CoordinatorCli.Tasks;
using CoordinatorCli.Watch;
using Spectre.Console;

namespace CoordinatorCli.Hosting;

/// <summary>The command tree and its invocation; parse errors exit with <see cref="ExitCodes.BadInput"/>.</summary>
public static class CliApplication
{
    public static RootCommand BuildRootCommand(CliEnvironment environment)
    {
        var url = new Option<string?>("--url")
        {
            Description = $"The coordinator's address (default: ${CliEnvironment.UrlVariable}, else {CliEnvironment.DefaultUrl})",
            Recursive = true,
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = $"An API key for the coordinator (default: ${CliEnvironment.ApiKeyVariable}); needed unless it is open to this machine",
            Recursive = true,
        };
        var runner = new CommandRunner(environment, url, apiKey);

        var root = new RootCommand("Command-line client of the coordinator: submit tasks, list agents and tasks, scale and watch the fleet.")
        {
            url,
            apiKey,
            new SubmitCommand(environment, runner).Build(),
            new AgentsCommand(environment, runner).Build(),
            new TasksCommand(environment, runner).Build(),
            new TaskCommand(environment, runner).Build(),
            new CancelCommand(environment, runner).Build(),
            new RetryCommand(environment, runner).Build(),
            new Schedules.SchedulesCommand(environment, runner).Build(),
            new LimitsCommand(environment, runner).Build(),
            new ScalingCommand(environment, runner).Build(),
            new WatchCommand(environment, runner).Build(),
            new Keys.KeysCommand(environment).Build(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRootCommand(environment).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                environment.Error.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            }

            environment.Error.WriteLine("Run 'coordinator-cli --help' (or '<command> --help') for usage.");
            return ExitCodes.BadInput;
        }

        return await parseResult.InvokeAsync(
            new InvocationConfiguration { Output = environment.Out.Profile.Out.Writer, Error = environment.Error.Profile.Out.Writer },
            cancellationToken);
    }
}
