using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;

namespace CoordinatorCli.Scaling;

/// <summary>`scaling up &lt;count&gt;`: asks the scaling manager to start agents, of one profile or its first; prints their ids and why.</summary>
public sealed class ScaleUpCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Argument<int> count = new("count") { Description = "How many agents to start" };
    readonly Option<string?> profile = new("--profile") { Description = "The profile to start them from (default: the first configured)" };

    public Command Build()
    {
        var command = new Command("up", "Start agents now") { count, profile };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, client =>
        {
            var agents = ScaleChanges.ReadCount(parseResult, count);
            var name = parseResult.GetValue(profile);
            if (name is not null && string.IsNullOrWhiteSpace(name))
            {
                throw new CliUsageException("--profile must not be empty");
            }

            return RunAsync(client, agents, name?.Trim(), cancellationToken);
        }, cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CoordinatorClient client, int agents, string? profileName, CancellationToken cancellationToken)
    {
        var change = await client.ScaleUpAsync(agents, profileName, cancellationToken);
        ScaleChanges.Write(environment.Out, change, done: "started", none: "no agent started");
        return ExitCodes.Success;
    }
}
