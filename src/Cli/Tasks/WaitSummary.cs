using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>The table after a wait: tasks per final status, then the ones that did not complete and why.</summary>
public static class WaitSummary
{
    public const int MaxListed = 20;
    public const string Unknown = "Unknown";

    public static int Render(IAnsiConsole console, WaitOutcome outcome)
    {
        var byStatus = outcome.Tasks
            .GroupBy(t => string.IsNullOrEmpty(t.Value?.Status) ? Unknown : t.Value!.Status)
            .OrderBy(g => TaskStatuses.Order(g.Key))
            .ToList();
        var summary = new Table().AddColumn("Status").AddColumn(new TableColumn("Tasks").RightAligned());
        foreach (var group in byStatus)
        {
            summary.AddRow(Display.Status(group.Key), group.Count().ToString());
        }

        summary.AddRow("[bold]total[/]", $"[bold]{outcome.Tasks.Count}[/]");
        console.Write(summary);

        var notCompleted = outcome.Tasks.Where(t => !TaskStatuses.IsCompleted(t.Value?.Status)).ToList();
        if (notCompleted.Count > 0)
        {
            var details = new Table().AddColumn("Task").AddColumn("Status").AddColumn("Agent").AddColumn("Error / reason");
            foreach (var (taskId, view) in notCompleted.Take(MaxListed))
            {
                var why = CliJson.Describe(view?.Error) ?? CliJson.Describe(view?.Reason)
                    ?? (view is null ? "not known to the coordinator yet" : null);
                details.AddRow(Markup.Escape(taskId), Display.Status(view?.Status ?? Unknown), Display.Escape(view?.AgentId), Display.Escape(why));
            }

            console.Write(details);
            if (notCompleted.Count > MaxListed)
            {
                console.WriteLine($"... and {notCompleted.Count - MaxListed} more");
            }
        }

        if (outcome.TimedOut)
        {
            var open = outcome.Tasks.Count(t => !TaskStatuses.IsTerminal(t.Value?.Status));
            console.MarkupLine($"[yellow]gave up after {outcome.Timeout.TotalSeconds:0} s: {open} task(s) not finished[/]");
        }

        var completed = outcome.Tasks.Count - notCompleted.Count;
        console.MarkupLine(outcome.AllCompleted
            ? $"[green]all {outcome.Tasks.Count} task(s) completed[/]"
            : $"[red]{completed} of {outcome.Tasks.Count} task(s) completed[/]");
        return outcome.AllCompleted ? ExitCodes.Success : ExitCodes.TasksNotCompleted;
    }
}
