using System.CommandLine;
using System.Text.Json;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Schedules;

/// <summary>
/// `schedules`: the recurring tasks and the tasks held for a run-at time; `schedules add` registers a recurring task on a
/// cron expression; `pause`, `resume`, `trigger` (run now) and `remove` act on one.
/// </summary>
public sealed class SchedulesCommand(CliEnvironment environment, CommandRunner runner)
{
    public Command Build()
    {
        var command = new Command("schedules", "List the scheduled and recurring tasks; add, pause, resume, trigger or remove one")
        {
            Add(),
            Act("pause", "Pause a schedule: it fires no more until resumed", async (client, id, ct) =>
                $"schedule {id}: paused ({(await client.PauseScheduleAsync(id, true, ct)).FireCount} run(s) so far)"),
            Act("resume", "Resume a schedule from now (occurrences missed while paused are skipped)", async (client, id, ct) =>
                $"schedule {id}: resumed; next at {Display.Time((await client.PauseScheduleAsync(id, false, ct)).NextFireAt)}"),
            Act("trigger", "Run a schedule's task now (a recurring one keeps its next occurrence)", async (client, id, ct) =>
                $"schedule {id}: triggered, task {(await client.TriggerScheduleAsync(id, ct)).TaskId}"),
            Act("remove", "Remove a schedule (a held task's schedule: the task never runs)", async (client, id, ct) =>
            {
                await client.RemoveScheduleAsync(id, ct);
                return $"schedule {id}: removed";
            }),
        };
        command.SetAction((parseResult, cancellationToken) =>
            runner.RunAsync(parseResult, client => ListAsync(client, cancellationToken), cancellationToken));
        return command;
    }

    Command Act(string name, string description, Func<CoordinatorClient, string, CancellationToken, Task<string>> act)
    {
        var id = new Argument<string>("id") { Description = "The schedule" };
        var command = new Command(name, description) { id };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var scheduleId = parseResult.GetValue(id)!.Trim();
            if (scheduleId.Length == 0)
                throw new CliUsageException("the schedule id must not be empty");
            environment.Out.WriteLine(await act(client, scheduleId, cancellationToken));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    Command Add()
    {
        var id = new Argument<string>("id") { Description = "The schedule's id (letters, digits, '.', '_', '-')" };
        var cron = new Option<string>("--cron") { Description = "When: five fields (minute hour day month weekday) or Quartz's six (seconds first)", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "The cron's time zone, an IANA name such as Europe/Paris (default UTC)" };
        var type = new Option<string>("--type", "-t") { Description = "The task type each run submits", Required = true };
        var payload = new Option<string?>("--payload", "-p") { Description = "The payload as JSON" };
        var priority = new Option<int?>("--priority") { Description = "0 to 9, higher first" };
        var command = new Command("add", "Register a recurring task on a cron expression") { id, cron, zone, type, payload, priority };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            JsonElement? body = null;
            if (parseResult.GetValue(payload) is { } text)
            {
                try
                {
                    body = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new CliUsageException($"--payload is not valid JSON: {e.Message}");
                }
            }
            var schedule = await client.AddScheduleAsync(new
            {
                id = parseResult.GetValue(id),
                cron = parseResult.GetValue(cron),
                timeZone = parseResult.GetValue(zone),
                task = new { taskType = parseResult.GetValue(type), payload = body, priority = parseResult.GetValue(priority) ?? 0 },
            }, cancellationToken);
            environment.Out.WriteLine($"schedule {schedule.Id}: '{schedule.Cron}' in {schedule.TimeZone}; first at {Display.Time(schedule.NextFireAt)}");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    async Task<int> ListAsync(CoordinatorClient client, CancellationToken cancellationToken)
    {
        var schedules = await client.ListSchedulesAsync(cancellationToken);
        if (schedules.Count == 0)
        {
            environment.Out.WriteLine("no schedules");
            return ExitCodes.Success;
        }

        var table = new Table().AddColumns("Schedule", "When", "Task", "Next", "Runs", "Last task");
        foreach (var s in schedules)
        {
            var when = s.Kind == "once" ? "once" : $"{s.Cron} ({s.TimeZone})";
            var next = s.Paused ? "paused" : Display.Time(s.NextFireAt);
            table.AddRow(Markup.Escape(s.Id), Display.Escape(when), Display.Escape(s.TaskType), Markup.Escape(next), s.FireCount.ToString(),
                Display.Escape(s.LastTaskId ?? s.TaskId));
        }

        environment.Out.Write(table);
        return ExitCodes.Success;
    }
}
