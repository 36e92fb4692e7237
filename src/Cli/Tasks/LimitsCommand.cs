using System.CommandLine;
using System.Globalization;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>`limits`: the task types with a fleet-wide limit; `limits set` and `limits remove` change one.</summary>
public sealed class LimitsCommand(CliEnvironment environment, CommandRunner runner)
{
    public Command Build()
    {
        var command = new Command("limits", "List the limits per task type; set or remove one") { Set(), Remove() };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var limits = await client.ListLimitsAsync(cancellationToken);
            if (limits.Count == 0)
            {
                environment.Out.WriteLine("no limits");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Task type", "At once", "Per second", "In flight");
            foreach (var limit in limits)
                table.AddRow(Markup.Escape(limit.TaskType), limit.MaxConcurrent?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    limit.PerSecond is { } rate ? Display.Number(rate) : "-", limit.InFlight.ToString(CultureInfo.InvariantCulture));
            environment.Out.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    Command Set()
    {
        var type = new Argument<string>("task-type") { Description = "The task type to limit" };
        var max = new Option<int?>("--max") { Description = "At most this many of the type placed at once, fleet-wide" };
        var rate = new Option<double?>("--per-second") { Description = "At most this many of the type started a second" };
        var command = new Command("set", "Limit a task type: tasks over the limit wait, in priority order") { type, max, rate };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var (atOnce, perSecond) = (parseResult.GetValue(max), parseResult.GetValue(rate));
            if (atOnce is null && perSecond is null)
                throw new CliUsageException("give --max, --per-second or both");
            var limit = await client.SetLimitAsync(parseResult.GetValue(type)!, atOnce, perSecond, cancellationToken);
            environment.Out.WriteLine($"task type {limit.TaskType}: at most {limit.MaxConcurrent?.ToString(CultureInfo.InvariantCulture) ?? "any number"} at once, " +
                                      $"{(limit.PerSecond is { } r ? Display.Number(r) : "any number")} a second");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    Command Remove()
    {
        var type = new Argument<string>("task-type") { Description = "The task type whose limit to lift" };
        var command = new Command("remove", "Lift a task type's limit") { type };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var taskType = parseResult.GetValue(type)!;
            await client.RemoveLimitAsync(taskType, cancellationToken);
            environment.Out.WriteLine($"task type {taskType}: no limit");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
