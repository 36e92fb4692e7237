using System.Globalization;
using System.Net;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>
/// coordinator-cli's task control run as its own process against one real coordinator and a real demo agent: cancel, retry
/// (one and by filter), scheduled and recurring tasks, limits, and the progress `task` and `watch` show. What the CLI says is
/// checked against what the API says happened. One system for the class (each test owns its task types' limits and its
/// schedules' ids, and puts them back); one attempt per task, so a failure dead-letters at once.
/// </summary>
public sealed class When_tasks_are_steered_from_the_cli(When_tasks_are_steered_from_the_cli.SteeredSystem steered)
    : IClassFixture<When_tasks_are_steered_from_the_cli.SteeredSystem>
{
    public sealed class SteeredSystem : IAsyncLifetime
    {
        public TestSystem System { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            System = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "1" });
            await System.StartActiveAgentsAsync(("steered", ["--concurrency", "4"]));
        }

        public async Task DisposeAsync() => await System.DisposeAsync();
    }

    TestSystem System => steered.System;

    /// <summary>One run of coordinator-cli: its exit code and its output (stdout and stderr, after a header line).</summary>
    async Task<(int ExitCode, string Output)> Cli(params string[] arguments)
    {
        await using var cli = new CliProcess(System, arguments);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, cli.Output);
    }

    /// <summary>`submit` with the arguments given: the one task id it printed.</summary>
    async Task<string> Submit(params string[] arguments)
    {
        var (exit, output) = await Cli(["submit", .. arguments]);
        Assert.True(exit == 0, output);
        return Assert.Single(output.Split('\n').Skip(1).Select(l => l.Trim()), l => l.Length > 0);
    }

    static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    async Task<JsonElement?> ScheduleAsync(string id)
    {
        var (status, body) = await System.Api.SendAsync(HttpMethod.Get, $"/api/schedules/{id}");
        return status == HttpStatusCode.OK ? body : null;
    }

    [Fact]
    public async Task Cancel_keeps_a_waiting_task_from_ever_starting_stops_a_running_one_with_its_reason_and_refuses_an_ended_or_unknown_one()
    {
        // One sleep at a time: the second waits in the coordinator behind the first.
        Assert.Equal(HttpStatusCode.OK, (await System.Api.SendAsync(HttpMethod.Put, "/api/limits/sleep", new { maxConcurrent = 1 })).Status);
        try
        {
            var running = await Submit("--type", "sleep", "--payload", """{"ms": 60000}""");
            await System.WaitForTaskAsync(running, "Running");
            var waiting = await Submit("--type", "sleep", "--payload", """{"ms": 1}""");
            Assert.Equal("Pending", (await System.Api.TaskAsync(waiting))!.Status);

            var (exit, output) = await Cli("cancel", waiting, "--reason", "not needed after all");
            Assert.True(exit == 0, output);
            Assert.Contains($"task {waiting}: cancelled (it had not started; it never will)", output);
            (exit, output) = await Cli("cancel", running, "--reason", "taking too long");
            Assert.True(exit == 0, output);
            Assert.Contains($"task {running}: cancelled (agent steered told to stop it)", output);

            var stopped = await System.WaitForTaskAsync(running, "Cancelled");
            Assert.Equal("cancelled: taking too long", stopped.Reason);
            Assert.NotNull(stopped.StartedAt);
            // The limit's slot is free again and the next sleep runs; the cancelled one waiting before it never did.
            var after = await Submit("--type", "sleep", "--payload", """{"ms": 1}""");
            await System.WaitForTaskAsync(after, "Completed");
            var never = (await System.Api.TaskAsync(waiting))!;
            Assert.Equal(("Cancelled", "cancelled: not needed after all"), (never.Status, never.Reason));
            Assert.Null(never.AssignedAt);
            Assert.Null(never.StartedAt);

            // Ended: refused (409), saying its status; again for the cancelled one. Unknown: not found.
            (exit, output) = await Cli("cancel", after);
            Assert.True(exit == 6, output);
            Assert.Contains($"task '{after}' is Completed: it has ended and cannot be cancelled", output);
            (exit, output) = await Cli("cancel", running, "--reason", "twice");
            Assert.True(exit == 6, output);
            Assert.Contains($"task '{running}' is Cancelled", output);
            Assert.Equal("cancelled: taking too long", (await System.Api.TaskAsync(running))!.Reason);
            (exit, output) = await Cli("cancel", "no-such-task");
            Assert.True(exit == 4, output);
            Assert.Contains("task 'no-such-task' not found", output);
        }
        finally
        {
            await System.Api.SendAsync(HttpMethod.Delete, "/api/limits/sleep");
        }
    }

    [Fact]
    public async Task Retry_reruns_one_dead_lettered_task_then_those_that_match_a_status_a_type_and_a_time_range_and_history_keeps_each_earlier_run()
    {
        var first = await Submit("--type", "fail", "--payload", """{"message": "broken 1"}""");
        var second = await Submit("--type", "fail", "--payload", """{"message": "broken 2"}""");
        var third = await Submit("--type", "fail", "--payload", """{"message": "broken 3"}""");
        var otherType = await Submit("--type", "steps", "--payload", """{"steps": -1}""");
        var ended = new[] { first, second, third, otherType };
        foreach (var id in ended)
            await System.WaitForTaskAsync(id, "DeadLettered");
        // The bulk form reads the ledger's table: wait until the batch writer has put them there.
        await Eventually.Until(() => System.Api.TasksAsync("DeadLettered"), list => ended.All(id => list.Any(t => t.TaskId == id)),
            TimeSpan.FromSeconds(10), "the four listed DeadLettered", System.Diagnostics);
        var allEnded = DateTimeOffset.UtcNow;

        // One by id: a fresh attempt on the same task, which fails again; its history keeps the first run.
        var (exit, output) = await Cli("retry", first);
        Assert.True(exit == 0, output);
        Assert.Contains($"task {first}: re-run from attempt 2", output);
        await Eventually.Until(() => System.Api.TasksAsync("DeadLettered"), list => list.Any(t => t is { Attempts: 2 } && t.TaskId == first),
            TimeSpan.FromSeconds(30), "the re-run to be dead-lettered again, in the ledger's table", System.Diagnostics);
        var rerun = (await System.Api.TaskAsync(first))!;
        var earlier = Assert.Single(rerun.EarlierRuns);
        Assert.Equal((1, 1, "DeadLettered"), (earlier.GetProperty("firstAttempt").GetInt32(), earlier.GetProperty("lastAttempt").GetInt32(),
            earlier.GetProperty("status").GetString()));
        Assert.Contains("broken 1", earlier.GetProperty("error").GetString());

        // By filter: dead-lettered fails that ended before the re-run above; that one (ended since) and the steps task are left alone.
        (exit, output) = await Cli("retry", "--status", "DeadLettered", "--type", "fail", "--since", Iso(allEnded.AddMinutes(-10)), "--until", Iso(allEnded));
        Assert.True(exit == 0, output);
        Assert.Contains("2 task(s) re-run", output);
        Assert.Contains($"re-run  {second}", output);
        Assert.Contains($"re-run  {third}", output);
        Assert.DoesNotContain(first, output);
        Assert.DoesNotContain(otherType, output);
        foreach (var (id, message) in new[] { (second, "broken 2"), (third, "broken 3") })
        {
            var again = await Eventually.Until(() => System.Api.TaskAsync(id), t => t is { Status: "DeadLettered", Attempts: 2 }, TimeSpan.FromSeconds(30),
                $"task {id} to run again", System.Diagnostics);
            var kept = Assert.Single(again!.EarlierRuns);
            Assert.Equal("DeadLettered", kept.GetProperty("status").GetString());
            Assert.Contains(message, kept.GetProperty("error").GetString());
        }
        Assert.Equal(2, (await System.Api.TaskAsync(first))!.Attempts);
        Assert.Equal(1, (await System.Api.TaskAsync(otherType))!.Attempts);

        // A task that cannot be re-run, and an unknown one, are refused with the reason.
        var done = await Submit("--type", "echo", "--payload", "{}");
        await System.WaitForTaskAsync(done, "Completed");
        (exit, output) = await Cli("retry", done);
        Assert.True(exit == 6, output);
        Assert.Contains("only a DeadLettered, Failed, TimedOut, Cancelled task can be re-run", output);
        (exit, output) = await Cli("retry", "no-such-task");
        Assert.True(exit == 4, output);
        Assert.Contains("task 'no-such-task' not found", output);
    }

    [Fact]
    public async Task A_task_runs_at_its_time_and_a_recurring_one_runs_on_its_cron_in_its_time_zone_until_paused_triggered_resumed_and_removed()
    {
        // Held for its time, listed as a one-shot schedule meanwhile, run then.
        var runAt = DateTimeOffset.UtcNow.AddSeconds(10); // time to list it first, even on a busy machine
        var held = await Submit("--type", "echo", "--payload", """{"when": "later"}""", "--at", Iso(runAt));
        Assert.Equal("Scheduled", (await System.Api.TaskAsync(held))!.Status);
        var (exit, output) = await Cli("schedules");
        Assert.True(exit == 0, output);
        Assert.Contains(held, output);
        Assert.Contains("once", output);

        // A crontab expression is read in its time zone: the first run is the next 12:30 in New York.
        (exit, output) = await Cli("schedules", "add", "cli-noon", "--cron", "30 12 * * *", "--time-zone", "America/New_York", "--type", "echo");
        Assert.True(exit == 0, output);
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, newYork);
        var noon = local.Date.AddHours(12).AddMinutes(30);
        if (noon <= local.DateTime)
            noon = noon.AddDays(1);
        var expected = new DateTimeOffset(noon, newYork.GetUtcOffset(noon)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.Contains($"schedule cli-noon: '30 12 * * *' in America/New_York; first at {expected}", output);

        // Every second (Quartz's six fields), in another zone; a second schedule is the clock the test reads time by.
        (exit, output) = await Cli("schedules", "add", "cli-tick", "--cron", "* * * * * ?", "--time-zone", "Europe/Paris", "--type", "echo",
            "--payload", """{"tick": true}""");
        Assert.True(exit == 0, output);
        (exit, output) = await Cli("schedules", "add", "cli-clock", "--cron", "* * * * * ?", "--type", "echo");
        Assert.True(exit == 0, output);
        (exit, output) = await Cli("schedules", "add", "cli-bad", "--cron", "0 61 * * * ?", "--type", "echo");
        Assert.True(exit == 2, output);
        Assert.Contains("does not parse", output);

        var ticked = await Eventually.Until(() => ScheduleAsync("cli-tick"), s => s?.GetProperty("fireCount").GetInt64() >= 2,
            TimeSpan.FromSeconds(20), "two ticks", System.Diagnostics);
        var tickTask = await System.WaitForTaskAsync(ticked!.Value.GetProperty("lastTaskId").GetString()!, "Completed");
        Assert.True(tickTask.Result!.Value.GetProperty("tick").GetBoolean());
        Assert.Equal("steered", tickTask.AgentId);
        (exit, output) = await Cli("schedules");
        Assert.True(exit == 0, output);
        Assert.Contains("cli-tick", output);
        Assert.Contains("(Europe/Paris)", output);
        Assert.Contains("cli-noon", output);
        Assert.Contains("(America/New_York)", output);

        // Paused: the clock goes on three times, the tick not once.
        (exit, output) = await Cli("schedules", "pause", "cli-tick");
        Assert.True(exit == 0, output);
        Assert.Contains("schedule cli-tick: paused", output);
        var paused = (await ScheduleAsync("cli-tick"))!.Value;
        Assert.True(paused.GetProperty("paused").GetBoolean());
        var count = paused.GetProperty("fireCount").GetInt64();
        var clock = (await ScheduleAsync("cli-clock"))!.Value.GetProperty("fireCount").GetInt64();
        await Eventually.Until(() => ScheduleAsync("cli-clock"), s => s?.GetProperty("fireCount").GetInt64() >= clock + 3,
            TimeSpan.FromSeconds(20), "three clock ticks", System.Diagnostics);
        Assert.Equal(count, (await ScheduleAsync("cli-tick"))!.Value.GetProperty("fireCount").GetInt64());

        // Triggered by hand while paused: one run now, which the agent completes.
        (exit, output) = await Cli("schedules", "trigger", "cli-tick");
        Assert.True(exit == 0, output);
        var triggered = output[(output.IndexOf("triggered, task ", StringComparison.Ordinal) + "triggered, task ".Length)..].Split('\n')[0].Trim();
        Assert.Contains(":manual-", triggered);
        Assert.True((await System.WaitForTaskAsync(triggered, "Completed")).Result!.Value.GetProperty("tick").GetBoolean());

        // Resumed: it fires on its own again.
        (exit, output) = await Cli("schedules", "resume", "cli-tick");
        Assert.True(exit == 0, output);
        Assert.Contains("schedule cli-tick: resumed; next at", output);
        await Eventually.Until(() => ScheduleAsync("cli-tick"), s => s?.GetProperty("fireCount").GetInt64() >= count + 2,
            TimeSpan.FromSeconds(20), "ticks after the resume", System.Diagnostics);

        // The held task ran at its time, and its one-shot schedule is gone.
        var done = await System.WaitForTaskAsync(held, "Completed");
        Assert.True(done.StartedAt >= runAt.AddSeconds(-1), $"started {done.StartedAt:O}, due {runAt:O}");
        Assert.Equal("later", done.Result!.Value.GetProperty("when").GetString());

        // Removed, each: then none are left, and an unknown one is not found.
        foreach (var id in new[] { "cli-tick", "cli-clock", "cli-noon" })
        {
            (exit, output) = await Cli("schedules", "remove", id);
            Assert.True(exit == 0, output);
            Assert.Contains($"schedule {id}: removed", output);
        }
        await Eventually.Until(async () => (await Cli("schedules")).Output, o => o.Contains("no schedules"), TimeSpan.FromSeconds(20),
            "no schedules left", System.Diagnostics);
        (exit, output) = await Cli("schedules", "pause", "cli-tick");
        Assert.True(exit == 4, output);
        Assert.Contains("cli-tick", output);
    }

    [Fact]
    public async Task Limits_are_set_listed_and_removed_they_hold_tasks_back_and_a_limit_of_zero_is_refused_with_its_reason()
    {
        var (exit, output) = await Cli("limits", "set", "sleep", "--max", "0");
        Assert.True(exit == 2, output);
        Assert.Contains("maxConcurrent must be 1 or more, was 0", output);
        (exit, output) = await Cli("limits", "set", "sleep", "--per-second", "0");
        Assert.True(exit == 2, output);
        Assert.Contains("perSecond must be more than 0, was 0", output);
        (exit, output) = await Cli("limits");
        Assert.True(exit == 0, output);
        Assert.Contains("no limits", output);

        (exit, output) = await Cli("limits", "set", "sleep", "--max", "1", "--per-second", "50");
        Assert.True(exit == 0, output);
        Assert.Contains("task type sleep: at most 1 at once, 50 a second", output);
        try
        {
            (exit, output) = await Cli("limits");
            Assert.True(exit == 0, output);
            Assert.Contains("sleep", output);
            Assert.Contains("50", output);

            // Three at once submitted on an agent with four slots: they run one after another, all complete.
            (exit, output) = await Cli("submit", "--type", "sleep", "--payload", """{"ms": 700}""", "--count", "3", "--wait", "--timeout", "60");
            Assert.True(exit == 0, output);
            var ids = output.Split('\n').Select(l => l.Trim()).Where(l => Guid.TryParse(l, out _)).ToList();
            Assert.Equal(3, ids.Count);
            var ran = new List<TaskDto>();
            foreach (var id in ids)
                ran.Add(await System.WaitForTaskAsync(id, "Completed"));
            var mostAtOnce = ran.Max(r => ran.Count(o => o.StartedAt <= r.StartedAt && r.StartedAt < o.FinishedAt));
            Assert.True(mostAtOnce == 1, $"{mostAtOnce} sleeps ran at once: {string.Join(", ", ran.Select(r => $"{r.StartedAt:O}-{r.FinishedAt:O}"))}");
        }
        finally
        {
            (exit, output) = await Cli("limits", "remove", "sleep");
        }
        Assert.True(exit == 0, output);
        Assert.Contains("task type sleep: no limit", output);
        (exit, output) = await Cli("limits");
        Assert.True(exit == 0, output);
        Assert.Contains("no limits", output);
        (exit, output) = await Cli("limits", "remove", "sleep");
        Assert.True(exit == 4, output);
        Assert.Contains("task type 'sleep' has no limit", output);
    }

    [Fact]
    public async Task Task_and_watch_show_the_progress_a_running_handler_reports()
    {
        var id = await Submit("--type", "steps", "--payload", """{"steps": 40, "stepMs": 300}""");
        try
        {
            // Past a few steps (reports are throttled on the agent): `task` shows the last progress and checkpoint.
            await Eventually.Until(() => System.Api.TaskAsync(id), t => t?.Progress?.GetProperty("percent").GetDouble() >= 10,
                TimeSpan.FromSeconds(30), "progress past 10%", System.Diagnostics);
            var (exit, output) = await Cli("task", id);
            Assert.True(exit == 0, output);
            Assert.Contains("Running", output);
            Assert.Matches(@"Progress\s+\d+(\.\d)?% step \d+ of 40 \(", output);
            Assert.Matches(@"Checkpoint\s+.*\{""next"":\d+\}", output);

            // `watch` lists the running tasks with theirs, read from the ledger's table: once there, a short watch shows it.
            await Eventually.Until(() => System.Api.TasksAsync("Running"), list => list.Any(t => t.TaskId == id && t.Progress is not null),
                TimeSpan.FromSeconds(10), "the progress in the ledger's table", System.Diagnostics);
            (exit, output) = await Cli("watch", "--interval", "0.5", "--duration", "1.5");
            Assert.True(exit == 0, output);
            Assert.Matches($@"running {id} \(steps\) on steered: \d+(\.\d)?% step \d+ of 40", output);
            Assert.Contains("tasks:", output);
        }
        finally
        {
            await System.Api.SendAsync(HttpMethod.Post, $"/api/tasks/{id}/cancel", new { reason = "seen enough" });
        }
    }
}
