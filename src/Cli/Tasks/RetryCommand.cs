using System.CommandLine;
using System.Globalization;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using Spectre.Console;

namespace CoordinatorCli.Tasks;

/// <summary>
/// `retry &lt;id&gt;`: re-runs a DeadLettered, Failed, TimedOut or Cancelled task (POST /api/tasks/{id}/retry, as the dashboard's
/// button); `retry --status … [--type …] [--since …] [--until …]`: re-runs every task that matches (POST /api/tasks/retry).
/// </summary>
public sealed class RetryCommand(CliEnvironment environment, CommandRunner runner)
{
    readonly Argument<string?> id = new("id") { Description = "The task to re-run (or use the filters instead)", Arity = ArgumentArity.ZeroOrOne };
    readonly Option<string[]> status = new("--status") { Description = "Re-run tasks in this status (DeadLettered, Failed, TimedOut, Cancelled; repeatable)" };
    readonly Option<string?> type = new("--type") { Description = "Only tasks of this type" };
    readonly Option<string?> since = new("--since") { Description = "Only tasks that ended since: a time (ISO 8601) or an age such as 30m, 2h, 1d" };
    readonly Option<string?> until = new("--until") { Description = "Only tasks that ended before: a time (ISO 8601) or an age such as 30m, 2h, 1d" };
    readonly Option<int> limit = new("--limit") { Description = "At most this many tasks (1-1000)", DefaultValueFactory = _ => 100 };

    public Command Build()
    {
        var command = new Command("retry", "Re-run a task that failed, timed out, was dead-lettered or cancelled; or all that match the filters")
        {
            id, status, type, since, until, limit,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var taskId = parseResult.GetValue(id)?.Trim();
            var statuses = parseResult.GetValue(status) ?? [];
            var filtered = statuses.Length > 0 || parseResult.GetValue(type) is not null || parseResult.GetValue(since) is not null
                           || parseResult.GetValue(until) is not null;
            if (string.IsNullOrEmpty(taskId) == !filtered)
                throw new CliUsageException("give either a task id or filters (--status, --type, --since, --until), not both and not neither");
            if (!string.IsNullOrEmpty(taskId))
            {
                var rerun = await client.RerunTaskAsync(taskId, cancellationToken);
                environment.Out.WriteLine($"task {taskId}: re-run from attempt {rerun.Attempt} ({rerun.Status})");
                return ExitCodes.Success;
            }

            var count = parseResult.GetValue(limit);
            if (count is < 1 or > 1000)
                throw new CliUsageException($"--limit must be between 1 and 1000, was {count}");
            var now = environment.Time.GetUtcNow();
            var after = parseResult.GetValue(since) is { } s ? When(s, "--since", now) : (DateTimeOffset?)null;
            var before = parseResult.GetValue(until) is { } u ? When(u, "--until", now) : (DateTimeOffset?)null;
            if (after >= before)
                throw new CliUsageException($"--since ({after:O}) must be earlier than --until ({before:O})");
            var outcome = await client.RerunTasksAsync(statuses, parseResult.GetValue(type), after, before, count, cancellationToken);
            environment.Out.WriteLine($"{outcome.Rerun.Count} task(s) re-run{(outcome.More ? $"; more matched: run it again for the next {count}" : "")}");
            foreach (var rerunId in outcome.Rerun)
                environment.Out.WriteLine($"  re-run  {rerunId}");
            foreach (var refused in outcome.Refused)
                environment.Out.WriteLine($"  left    {refused.TaskId}: {refused.Error}");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>An ISO 8601 time, or an age (30m, 2h, 1d) before now.</summary>
    static DateTimeOffset When(string value, string option, DateTimeOffset now)
    {
        var text = value.Trim();
        if (text.Length >= 2 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (text[^1])
            {
                case 'm': return now.AddMinutes(-n);
                case 'h': return now.AddHours(-n);
                case 'd': return now.AddDays(-n);
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new CliUsageException($"{option} '{value}' is neither a time (ISO 8601) nor an age such as 30m, 2h or 1d");
    }
}
