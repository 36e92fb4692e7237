using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Scaling;

/// <summary>
/// `scaling`: the fleet the ScalingManager runs, what its last check saw, work it cannot serve, failed starts and its
/// latest decisions; `scaling up` and `scaling down` change the fleet by hand.
/// </summary>
public sealed class ScalingCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Option<int> decisions = new("--decisions") { Description = "Show this many of the latest decisions (0 for none)", DefaultValueFactory = _ => 10 };

    public Command Build()
    {
        var command = new Command("scaling", "Show the agents the scaling manager runs and its decisions; scale up or down by hand")
        {
            decisions,
            new ScaleUpCommand(environment, runner).Build(),
            new ScaleDownCommand(environment, runner).Build(),
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, client =>
        {
            var shown = parseResult.GetValue(decisions);
            if (shown < 0)
            {
                throw new CliUsageException("--decisions must be 0 or more");
            }

            return RunAsync(client, shown, cancellationToken);
        }, cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CoordinatorClient client, int shownDecisions, CancellationToken cancellationToken)
    {
        var view = await client.GetScalingAsync(cancellationToken);
        var console = environment.Out;
        if (!view.Enabled)
        {
            console.WriteLine($"scaling is disabled on the coordinator at {client.Url} (Scaling:Enabled = false)");
            return ExitCodes.Success;
        }

        console.MarkupLine($"[bold]{Markup.Escape(Header(view))}[/]");
        if (view.LastCheck is { } check)
        {
            console.WriteLine($"last check: {FleetSummary.Decision(check.Action, check.Trigger, check.Reason)}");
        }

        if (view.ShouldScaleUp is { } up)
        {
            console.WriteLine($"grow?   {(up.Yes ? "yes" : "no")}: {up.Reason}");
        }

        if (view.ShouldScaleDown is { } down)
        {
            console.WriteLine($"shrink? {(down.Yes ? "yes" : "no")}: {down.Reason}");
        }

        if (view.ResponseSeconds is { Count: > 0 } response)
        {
            console.WriteLine($"start to Active: median {Display.Number(response.Median)}s, max {Display.Number(response.Max)}s, "
                + $"last {Display.Number(response.Last)}s over {response.Count} start(s)");
        }

        WriteAgents(console, view.Agents);
        foreach (var demand in view.UnservableDemand)
        {
            var needs = demand.RequiredCapabilities is { Count: > 0 } c ? string.Join(", ", c) : "nothing in particular";
            console.MarkupLine(
                $"[yellow]unservable: {demand.Waiting} '{Markup.Escape(demand.TaskType ?? "-")}' task(s) waiting need {Markup.Escape(needs)}, which no profile offers[/]");
        }

        foreach (var failure in view.StartFailures)
        {
            var retry = failure.RetryAt is { } at ? $"retried at {Display.Time(at)}" : "may be retried now";
            console.MarkupLine(
                $"[yellow]start failures: profile '{Markup.Escape(failure.Profile ?? "-")}' failed {failure.FailuresInARow} time(s) in a row, "
                + $"{retry}: {Markup.Escape(failure.LastError ?? "-")}[/]");
        }

        WriteDecisions(console, view.Decisions, shownDecisions);
        return ExitCodes.Success;
    }

    /// <summary>Size, provisioner, load, arrivals with the forecast, and cost against the budget, on one line.</summary>
    static string Header(ScalingView view)
    {
        var forecast = view.ForecastRate is { } rate
            ? $", forecast {Display.Number(rate)}/s" + (view.ForecastHorizon is { } horizon ? $" in {Display.Number(horizon.TotalSeconds)}s" : "")
                + (view.Predictive ? " (predictive)" : "")
            : "";
        var budget = view.BudgetPerHour is { } b ? $" of a budget of {Display.Number(b)}/h" : ", no budget";
        return $"{FleetSummary.Size(view)}, provisioner {view.Provisioner ?? "-"}  {FleetSummary.Load(view)}"
            + $"  oldest wait {(FleetSummary.Number(view, "oldestWaitSeconds") is { } wait ? $"{Display.Number(wait)}s" : "-")}"
            + $"  arrivals {Display.Number(view.ArrivalRate)}/s{forecast}"
            + $"  cost {Display.Number(view.CostPerHour)}/h{budget}";
    }

    static void WriteAgents(IAnsiConsole console, IReadOnlyList<ScaledAgentView> agents)
    {
        if (agents.Count == 0)
        {
            console.WriteLine("no agents run by the scaling manager");
            return;
        }

        var table = new Table()
            .AddColumn("Agent").AddColumn("Profile").AddColumn("Phase").AddColumn("State")
            .AddColumn(new TableColumn("In flight").RightAligned());
        foreach (var agent in agents.OrderBy(a => a.AgentId, StringComparer.Ordinal))
        {
            table.AddRow(
                Markup.Escape(agent.AgentId), Display.Escape(agent.Profile), Display.Status(agent.Phase), Display.Status(agent.State),
                agent.InFlight.ToString());
        }

        var byPhase = agents.GroupBy(a => string.IsNullOrEmpty(a.Phase) ? "-" : a.Phase).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}");
        table.Caption(Markup.Escape($"{agents.Count} agent(s): {string.Join(", ", byPhase)}"));
        console.Write(table);
    }

    static void WriteDecisions(IAnsiConsole console, IReadOnlyList<ScalingDecisionView> decisions, int shown)
    {
        if (shown == 0)
        {
            return;
        }

        if (decisions.Count == 0)
        {
            console.WriteLine("no scaling decisions yet");
            return;
        }

        var table = new Table()
            .AddColumn("Time").AddColumn("Action").AddColumn("Trigger")
            .AddColumn("Fleet").AddColumn("Reason").AddColumn("Agent ids");
        foreach (var decision in decisions.Take(shown))
        {
            table.AddRow(
                Display.Time(decision.At), Action(decision.Action), Display.Escape(decision.Trigger),
                $"{decision.Current} -> {decision.Desired}", Display.Escape(decision.Reason),
                Display.Escape(decision.AgentIds.Count > 0 ? string.Join(", ", decision.AgentIds) : null));
        }

        table.Caption($"the latest {Math.Min(shown, decisions.Count)} of {decisions.Count} decision(s), newest first");
        console.Write(table);
    }

    static string Action(string? action)
    {
        var text = Display.Escape(action);
        return action?.ToLowerInvariant() switch
        {
            "up" => $"[green]{text}[/]",
            "down" => $"[yellow]{text}[/]",
            _ => text,
        };
    }
}
