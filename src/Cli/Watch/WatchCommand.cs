using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using CoordinatorCli.Scaling;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CoordinatorCli.Watch;

/// <summary>
/// `watch`: task counts by status, queue depth, agents by state and the fleet the scaling manager runs, refreshed every
/// --interval until Ctrl-C or --duration. A live view on a terminal; one plain snapshot per interval when output is
/// redirected. A coordinator without /api/scaling (404, an older one) is watched without the fleet.
/// </summary>
public sealed class WatchCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Option<double> interval = new("--interval", "-i") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 };
    readonly Option<double> duration = new("--duration", "-d") { Description = "Stop after this many seconds (default: until Ctrl-C)" };

    public Command Build()
    {
        var command = new Command("watch", "Watch task counts, queue depth and agents") { interval, duration };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, client =>
        {
            var every = parseResult.GetValue(interval);
            if (!double.IsFinite(every) || every is < 0.1 or > 3600)
            {
                throw new CliUsageException("--interval must be between 0.1 and 3600 seconds");
            }

            var stopAfter = parseResult.GetOptionalValue(duration);
            if (stopAfter is { } d && (!double.IsFinite(d) || d <= 0))
            {
                throw new CliUsageException("--duration must be a positive number of seconds");
            }

            return RunAsync(client, TimeSpan.FromSeconds(every), stopAfter is { } s ? TimeSpan.FromSeconds(s) : null, cancellationToken);
        }, cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CoordinatorClient client, TimeSpan every, TimeSpan? stopAfter, CancellationToken cancellationToken)
    {
        var time = environment.Time;
        var stopAt = stopAfter is { } d ? time.GetUtcNow() + d : (DateTimeOffset?)null;

        // The first read fails the command (wrong address, coordinator down); later failures are shown and retried.
        var snapshot = await client.GetMetricsAsync(cancellationToken);
        string? problem = null;

        // The fleet is an extra, read after each good metrics read: its failures are shown apart and never end the watch;
        // after a 404 (an older coordinator) it is not asked again.
        var scalingServed = true;
        ScalingView? fleet = null;
        string? fleetProblem = null;
        async Task ReadFleetAsync()
        {
            if (!scalingServed)
            {
                return;
            }

            try
            {
                fleet = await client.FindScalingAsync(cancellationToken);
                scalingServed = fleet is not null;
                fleetProblem = null;
            }
            catch (Exception ex) when (ex is CoordinatorUnreachableException or CoordinatorApiException)
            {
                fleetProblem = ex.Message;
            }
        }

        await ReadFleetAsync();

        // The running tasks with their progress, another extra read like the fleet (its failure shows as missing, no more).
        IReadOnlyList<TaskView> running = [];
        async Task ReadRunningAsync()
        {
            try
            {
                running = (await client.ListTasksAsync("Running", 1, RunningShown, cancellationToken)).Items;
            }
            catch (Exception ex) when (ex is CoordinatorUnreachableException or CoordinatorApiException)
            {
                running = [];
            }
        }

        await ReadRunningAsync();

        async Task<bool> NextAsync()
        {
            var now = time.GetUtcNow();
            if (stopAt is { } end && now >= end)
            {
                return false;
            }

            var wait = stopAt is { } e && e - now < every ? e - now : every;
            await environment.WaitAsync(wait, cancellationToken);
            try
            {
                snapshot = await client.GetMetricsAsync(cancellationToken);
                problem = null;
                await ReadFleetAsync();
                await ReadRunningAsync();
            }
            catch (Exception ex) when (ex is CoordinatorUnreachableException or CoordinatorApiException)
            {
                problem = ex.Message;
            }

            return true;
        }

        try
        {
            if (environment.IsInteractive)
            {
                await environment.Out.Live(Render(snapshot, problem, fleet, fleetProblem, running, time.GetUtcNow(), client.Url))
                    .AutoClear(false)
                    .StartAsync(async context =>
                    {
                        while (await NextAsync())
                        {
                            context.UpdateTarget(Render(snapshot, problem, fleet, fleetProblem, running, time.GetUtcNow(), client.Url));
                        }
                    });
            }
            else
            {
                do
                {
                    WritePlain(snapshot, problem, fleet, fleetProblem, running, time.GetUtcNow());
                }
                while (await NextAsync());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch normally ends.
        }

        return ExitCodes.Success;
    }

    /// <summary>How many running tasks (the newest) the watch lists with their progress.</summary>
    const int RunningShown = 8;

    void WritePlain(MetricsSnapshot snapshot, string? problem, ScalingView? fleet, string? fleetProblem, IReadOnlyList<TaskView> running,
        DateTimeOffset now)
    {
        var console = environment.Out;
        var queue = snapshot.QueueDepth is { } q ? $"  queue depth {Display.Number(q)}" : "";
        console.WriteLine($"{Display.Time(now)}{queue}");
        console.WriteLine($"  tasks:  {Pairs(snapshot.Tasks)}");
        console.WriteLine($"  agents: {Pairs(snapshot.Agents)}");
        if (snapshot.Other.Count > 0)
        {
            console.WriteLine($"  other:  {Pairs(snapshot.Other)}");
        }

        if (fleet is not null)
        {
            console.WriteLine($"  fleet:  {FleetSummary.Line(fleet)}");
        }

        if (fleetProblem is not null)
        {
            console.WriteLine($"  (fleet stale: {fleetProblem})");
        }

        foreach (var task in running)
        {
            console.WriteLine($"  running {task.TaskId} ({task.TaskType}) on {task.AgentId ?? "-"}: {Display.Progress(task.Progress, now)}");
        }

        if (problem is not null)
        {
            console.WriteLine($"  (stale: {problem})");
        }
    }

    static string Pairs(IReadOnlyList<KeyValuePair<string, double>> values) =>
        values.Count == 0 ? "-" : string.Join("  ", values.Select(p => $"{p.Key} {Display.Number(p.Value)}"));

    static IRenderable Render(MetricsSnapshot snapshot, string? problem, ScalingView? fleet, string? fleetProblem, IReadOnlyList<TaskView> running,
        DateTimeOffset now, string url)
    {
        var tasks = Counts("Task status", snapshot.Tasks);
        var agents = Counts("Agent state", snapshot.Agents);
        var header = $"[bold]{Markup.Escape(url)}[/]  {Display.Time(now)}"
            + (snapshot.QueueDepth is { } q ? $"  queue depth [bold]{Display.Number(q)}[/]" : "");
        var rows = new List<IRenderable> { new Markup(header) };
        if (fleet is not null)
        {
            rows.Add(new Markup($"[bold]fleet[/]  {Markup.Escape(FleetSummary.Line(fleet))}"));
        }

        if (fleetProblem is not null)
        {
            rows.Add(new Markup($"[red]fleet stale: {Markup.Escape(fleetProblem)}[/]"));
        }

        rows.Add(new Columns(tasks, agents) { Expand = false });
        if (running.Count > 0)
        {
            var table = new Table().AddColumn("Running task").AddColumn("Type").AddColumn("Agent").AddColumn("Progress");
            foreach (var task in running)
            {
                table.AddRow(Markup.Escape(task.TaskId), Display.Escape(task.TaskType), Display.Escape(task.AgentId),
                    Markup.Escape(Display.Progress(task.Progress, now)));
            }

            rows.Add(table);
        }
        if (snapshot.Other.Count > 0)
        {
            rows.Add(Counts("Other", snapshot.Other));
        }

        if (problem is not null)
        {
            rows.Add(new Markup($"[red]stale: {Markup.Escape(problem)}[/]"));
        }

        rows.Add(new Markup("[grey]Ctrl-C to stop[/]"));
        return new Rows(rows);
    }

    static Table Counts(string title, IReadOnlyList<KeyValuePair<string, double>> values)
    {
        var table = new Table().AddColumn(title).AddColumn(new TableColumn("Count").RightAligned());
        foreach (var (name, value) in values)
        {
            table.AddRow(Display.Status(name), Display.Number(value));
        }

        if (values.Count == 0)
        {
            table.AddRow("-", "-");
        }

        return table;
    }
}
