using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>`cancel &lt;id&gt;`: cancels a task that has not ended (POST /api/tasks/{id}/cancel, as the dashboard's button).</summary>
public sealed class CancelCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Argument<string> id = new("id") { Description = "The task to cancel" };
    readonly Option<string?> reason = new("--reason") { Description = "Why (kept as the task's reason)" };

    public Command Build()
    {
        var command = new Command("cancel", "Cancel a task: a waiting one never starts, a running one is stopped") { id, reason };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var taskId = parseResult.GetRequiredValue(id).Trim();
            if (taskId.Length == 0)
                throw new CliUsageException("the task id must not be empty");
            var cancelled = await client.CancelTaskAsync(taskId, parseResult.GetValue(reason), cancellationToken);
            environment.Out.WriteLine(cancelled.AgentId is { } agent
                ? $"task {taskId}: cancelled (agent {agent} told to stop it)"
                : $"task {taskId}: cancelled (it had not started; it never will)");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
