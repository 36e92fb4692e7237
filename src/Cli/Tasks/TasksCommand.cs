using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>`tasks`: one page of tasks as a table, optionally of one status.</summary>
public sealed class TasksCommand(CliEnvironment environment, CommandRunner runner)
{
    public const int MaxPageSize = 1000;

    readonly Option<string?> status = new("--status", "-s") { Description = $"Only tasks in this status: {string.Join(", ", TaskStatuses.All)}" };
    readonly Option<int> page = new("--page") { Description = "The page, from 1", DefaultValueFactory = _ => 1 };
    readonly Option<int> pageSize = new("--page-size") { Description = $"Tasks per page, 1 to {MaxPageSize}", DefaultValueFactory = _ => 50 };

    public Command Build()
    {
        var command = new Command("tasks", "List tasks") { status, page, pageSize };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, client =>
        {
            var (statusFilter, pageNumber, size) = Read(parseResult);
            return RunAsync(client, statusFilter, pageNumber, size, cancellationToken);
        }, cancellationToken));
        return command;
    }

    (string? Status, int Page, int PageSize) Read(ParseResult parseResult)
    {
        string? statusFilter = null;
        if (parseResult.GetValue(status) is { } given)
        {
            statusFilter = TaskStatuses.Normalise(given.Trim())
                ?? throw new CliUsageException($"--status must be one of {string.Join(", ", TaskStatuses.All)}, got '{given}'");
        }

        var pageNumber = parseResult.GetValue(page);
        if (pageNumber < 1)
        {
            throw new CliUsageException("--page must be 1 or more");
        }

        var size = parseResult.GetValue(pageSize);
        if (size is < 1 or > MaxPageSize)
        {
            throw new CliUsageException($"--page-size must be between 1 and {MaxPageSize}");
        }

        return (statusFilter, pageNumber, size);
    }

    public async Task<int> RunAsync(CoordinatorClient client, string? statusFilter, int pageNumber, int size, CancellationToken cancellationToken)
    {
        var result = await client.ListTasksAsync(statusFilter, pageNumber, size, cancellationToken);
        var console = environment.Out;
        if (result.Items.Count == 0)
        {
            console.WriteLine(statusFilter is null
                ? $"no tasks on page {pageNumber} ({result.Total} in all)"
                : $"no {statusFilter} tasks on page {pageNumber} ({result.Total} in all)");
            return ExitCodes.Success;
        }

        var table = new Table()
            .AddColumn("Task").AddColumn("Type").AddColumn("Status").AddColumn("Agent")
            .AddColumn(new TableColumn("Attempts").RightAligned()).AddColumn(new TableColumn("Priority").RightAligned())
            .AddColumn("Submitted").AddColumn("Finished");
        foreach (var task in result.Items)
        {
            table.AddRow(
                Markup.Escape(task.TaskId), Display.Escape(task.TaskType), Display.Status(task.Status), Display.Escape(task.AgentId),
                task.Attempts?.ToString() ?? "-", task.Priority?.ToString() ?? "-",
                Display.Time(task.SubmittedAt), Display.Time(task.FinishedAt));
        }

        var pageCount = result.PageSize > 0 ? (result.Total + result.PageSize - 1) / result.PageSize : 1;
        table.Caption(result.TotalCapped
            ? $"page {result.Page} of more than {Math.Max(pageCount, 1)}, more than {result.Total} task(s)"
            : $"page {result.Page} of {Math.Max(pageCount, 1)}, {result.Total} task(s)");
        console.Write(table);
        return ExitCodes.Success;
    }
}
