using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;

namespace CoordinatorCli.Scaling;

/// <summary>`scaling down &lt;count&gt;`: asks the scaling manager to drain then stop agents; prints the ones it chose and why.</summary>
public sealed class ScaleDownCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Argument<int> count = new("count") { Description = "How many agents to drain and stop" };

    public Command Build()
    {
        var command = new Command("down", "Drain then stop agents (idle or least loaded first, never below the minimum)") { count };
        command.SetAction((parseResult, cancellationToken) =>
            runner.RunAsync(parseResult, client => RunAsync(client, ScaleChanges.ReadCount(parseResult, count), cancellationToken), cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CoordinatorClient client, int agents, CancellationToken cancellationToken)
    {
        var change = await client.ScaleDownAsync(agents, cancellationToken);
        ScaleChanges.Write(environment.Out, change, done: "draining, then stopping", none: "no agent chosen to drain");
        return ExitCodes.Success;
    }
}
