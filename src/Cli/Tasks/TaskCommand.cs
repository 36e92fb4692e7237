using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>`task &lt;id&gt;`: everything the coordinator knows about one task, result and error included.</summary>
public sealed class TaskCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Argument<string> id = new("id") { Description = "The task id" };

    public Command Build()
    {
        var command = new Command("task", "Show one task in detail") { id };
        command.SetAction((parseResult, cancellationToken) =>
            runner.RunAsync(parseResult, client => RunAsync(client, parseResult.GetRequiredValue(id), cancellationToken), cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CoordinatorClient client, string taskId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw new CliUsageException("the task id must not be empty");
        }

        var task = await client.GetTaskAsync(taskId.Trim(), cancellationToken);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string markup) => grid.AddRow($"[bold]{name}[/]", markup);
        Row("Task", Markup.Escape(task.TaskId));
        Row("Type", Display.Escape(task.TaskType));
        Row("Status", Display.Status(task.Status));
        Row("Agent", Display.Escape(task.AgentId));
        Row("Attempts", task.Attempts?.ToString() ?? "-");
        Row("Priority", task.Priority?.ToString() ?? "-");
        Row("Capabilities", Display.Escape(task.RequiredCapabilities is { Count: > 0 } c ? string.Join(", ", c) : null));
        Row("Submitted", Display.Time(task.SubmittedAt));
        Row("Assigned", Display.Time(task.AssignedAt));
        Row("Started", Display.Time(task.StartedAt));
        Row("Finished", Display.Time(task.FinishedAt));
        Row("Deadline", Display.Time(task.Deadline));
        Row("Progress", Markup.Escape(Display.Progress(task.Progress, environment.Time.GetUtcNow())));
        if (task.CheckpointAt is { } checkpointAt)
        {
            Row("Checkpoint", Markup.Escape($"{Display.Time(checkpointAt)}  {task.Checkpoint?.GetRawText()}"));
        }
        if (CliJson.Describe(task.Reason) is { } reason)
        {
            Row("Reason", Markup.Escape(reason));
        }

        var console = environment.Out;
        console.Write(grid);
        if (CliJson.Describe(task.Error) is { } error)
        {
            console.Write(new Panel(new Text(error)).Header("error").BorderColor(Color.Red));
        }

        if (CliJson.Describe(task.Result) is { } result)
        {
            console.Write(new Panel(new Text(result)).Header("result"));
        }

        return ExitCodes.Success;
    }
}
