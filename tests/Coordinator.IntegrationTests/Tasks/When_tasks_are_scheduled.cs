using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>Tasks submitted with a run-at time, and recurring tasks on cron expressions: persisted, fired once, on the real system.</summary>
public sealed partial class When_tasks_are_scheduled
{
    static async Task<JsonElement?> ScheduleAsync(CoordinatorApi api, string id)
    {
        var (status, body) = await api.SendAsync(HttpMethod.Get, $"/api/schedules/{id}");
        return status == HttpStatusCode.OK ? body : null;
    }

    [Fact]
    public async Task A_task_with_a_run_at_time_waits_Scheduled_until_then_and_survives_a_coordinator_restart_meanwhile()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("timely", []));

        var runAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var taskId = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { at = "later" }, runAt });
        var waiting = (await system.Api.TaskAsync(taskId))!;
        Assert.Equal("Scheduled", waiting.Status);
        var (_, list) = await system.Api.SendAsync(HttpMethod.Get, "/api/schedules");
        var held = Assert.Single(list.EnumerateArray());
        Assert.Equal(("once", taskId), (held.GetProperty("kind").GetString(), held.GetProperty("taskId").GetString()));

        // The coordinator restarts while the task waits: the schedule is in the database, not in its memory.
        system.Coordinator.Kill();
        await system.StartCoordinatorAsync("coordinator (restarted)");
        var done = await system.WaitForTaskAsync(taskId, "Completed");
        Assert.True(done.StartedAt >= runAt.AddSeconds(-1), $"started {done.StartedAt:O}, due {runAt:O}");
        Assert.Equal("later", done.Result!.Value.GetProperty("at").GetString());
        // A one-shot schedule is removed once its task is submitted (the task may finish first).
        await Eventually.Until(async () => (await system.Api.SendAsync(HttpMethod.Get, "/api/schedules")).Body.GetArrayLength(), n => n == 0,
            TimeSpan.FromSeconds(10), "the one-shot schedule removed", system.Diagnostics);

        // A run-at time in the past is refused; one cancelled while it waits never runs.
        var (status, body) = await system.Api.PostTaskAsync(new { taskType = "echo", runAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is in the past", body.GetProperty("error").GetString());
        var cancelled = await system.Api.SubmitAsync(new { taskType = "echo", runAt = DateTimeOffset.UtcNow.AddSeconds(3) });
        Assert.Equal(HttpStatusCode.Accepted, (await system.Api.SendAsync(HttpMethod.Post, $"/api/tasks/{cancelled}/cancel", new { reason = "not today" })).Status);
        Assert.Null(await ScheduleAsync(system.Api, $"task:{cancelled}"));
        Assert.Equal("Cancelled", (await system.Api.TaskAsync(cancelled))!.Status);
    }

    [Fact]
    public async Task A_recurring_task_fires_on_its_cron_pauses_triggers_and_goes_on_after_a_restart_and_bad_schedules_are_refused()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("cron", ["--concurrency", "8"]));

        // Bad input, each refused naming the problem.
        foreach (var (request, error) in new (object, string)[]
                 {
                     (new { cron = "every minute", task = new { taskType = "echo" } }, "has 2 fields"),
                     (new { cron = "0 61 * * * ?", task = new { taskType = "echo" } }, "does not parse"),
                     (new { cron = "* * * * *", timeZone = "Nowhere/Else", task = new { taskType = "echo" } }, "time zone 'Nowhere/Else' is unknown"),
                     (new { cron = "* * * * *" }, "task is missing"),
                     (new { cron = "* * * * *", task = new { taskType = "echo", taskId = "fixed" } }, "must not carry a taskId"),
                     (new { cron = "* * * * *", task = new { taskType = "echo", priority = 12 } }, "priority 12 is out of range"),
                     (new { id = "has spaces", cron = "* * * * *", task = new { taskType = "echo" } }, "id is invalid"),
                 })
        {
            var (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/api/schedules", request);
            Assert.True(status == HttpStatusCode.BadRequest, $"{status} for {JsonSerializer.Serialize(request)}");
            Assert.Contains(error, body.GetProperty("error").GetString());
        }

        // Every second (Quartz's six fields); a second schedule is the clock the test reads time by.
        Assert.Equal(HttpStatusCode.Created, (await system.Api.SendAsync(HttpMethod.Post, "/api/schedules",
            new { id = "tick", cron = "* * * * * ?", timeZone = "Europe/Paris", task = new { taskType = "echo", payload = new { tick = true } } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await system.Api.SendAsync(HttpMethod.Post, "/api/schedules",
            new { id = "clock", cron = "* * * * * ?", task = new { taskType = "echo" } })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await system.Api.SendAsync(HttpMethod.Post, "/api/schedules",
            new { id = "tick", cron = "* * * * *", task = new { taskType = "echo" } })).Status);

        var ticked = await Eventually.Until(() => ScheduleAsync(system.Api, "tick"), s => s?.GetProperty("fireCount").GetInt64() >= 3,
            TimeSpan.FromSeconds(20), "three ticks", system.Diagnostics);
        var lastTask = ticked!.Value.GetProperty("lastTaskId").GetString()!;
        Assert.Matches(@"^tick:\d{8}T\d{6}Z$", lastTask);
        Assert.True((await system.WaitForTaskAsync(lastTask, "Completed")).Result!.Value.GetProperty("tick").GetBoolean());

        // Paused: the clock goes on three more times, the tick not once.
        var (_, paused) = await system.Api.SendAsync(HttpMethod.Post, "/api/schedules/tick/pause");
        Assert.True(paused.GetProperty("paused").GetBoolean());
        var count = paused.GetProperty("fireCount").GetInt64();
        var clock = (await ScheduleAsync(system.Api, "clock"))!.Value.GetProperty("fireCount").GetInt64();
        await Eventually.Until(() => ScheduleAsync(system.Api, "clock"), s => s?.GetProperty("fireCount").GetInt64() >= clock + 3,
            TimeSpan.FromSeconds(20), "three clock ticks", system.Diagnostics);
        Assert.Equal(count, (await ScheduleAsync(system.Api, "tick"))!.Value.GetProperty("fireCount").GetInt64());

        // Triggered by hand while paused: one run now, and the schedule stays paused.
        var (triggeredStatus, triggered) = await system.Api.SendAsync(HttpMethod.Post, "/api/schedules/tick/trigger");
        Assert.Equal(HttpStatusCode.Accepted, triggeredStatus);
        Assert.Contains(":manual-", triggered.GetProperty("taskId").GetString());
        await system.WaitForTaskAsync(triggered.GetProperty("taskId").GetString()!, "Completed");

        // Resumed, then the coordinator restarts: the schedule goes on from the database.
        Assert.False((await system.Api.SendAsync(HttpMethod.Post, "/api/schedules/tick/resume")).Body.GetProperty("paused").GetBoolean());
        system.Coordinator.Kill();
        await system.StartCoordinatorAsync("coordinator (restarted)");
        await Eventually.Until(() => ScheduleAsync(system.Api, "tick"), s => s?.GetProperty("fireCount").GetInt64() >= count + 3,
            TimeSpan.FromSeconds(30), "ticks after the restart", system.Diagnostics);

        // Removed: gone from the list, and unknown ids are 404 everywhere.
        Assert.Equal(HttpStatusCode.NoContent, (await system.Api.SendAsync(HttpMethod.Delete, "/api/schedules/tick")).Status);
        Assert.Null(await ScheduleAsync(system.Api, "tick"));
        foreach (var (method, path) in new[] { (HttpMethod.Post, "pause"), (HttpMethod.Post, "resume"), (HttpMethod.Post, "trigger") })
            Assert.Equal(HttpStatusCode.NotFound, (await system.Api.SendAsync(method, $"/api/schedules/tick/{path}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.SendAsync(HttpMethod.Delete, "/api/schedules/tick")).Status);
    }

    [Fact]
    public async Task Of_two_coordinators_the_owner_alone_fires_and_after_it_is_killed_the_new_owner_goes_on_firing_each_occurrence_once()
    {
        // Both would sweep ten times a second; the standby's sweeps are vetoed, and the claim (a versioned update) stands
        // between an owner that dies mid-sweep and the next one.
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: new()
        {
            ["Tasks__ScheduleSweepInterval"] = "00:00:00.1",
            ["Ownership__LeaseTtl"] = "00:00:02", ["Ownership__RenewInterval"] = "00:00:00.500", ["Ownership__AcquireInterval"] = "00:00:00.250",
        });
        var first = system.Coordinator;
        await system.StartCoordinatorAsync("second coordinator");
        var second = system.Coordinator;
        await system.StartActiveAgentsAsync(("punctual", ["--concurrency", "4"]));
        Assert.Equal(HttpStatusCode.Created, (await system.Api.SendAsync(HttpMethod.Post, "/api/schedules",
            new { id = "shared", cron = "* * * * * ?", task = new { taskType = "echo" } })).Status);

        await Eventually.Until(() => ScheduleAsync(system.Api, "shared"), s => s?.GetProperty("fireCount").GetInt64() >= 6,
            TimeSpan.FromSeconds(30), "six occurrences", system.Diagnostics);
        Assert.True(Fired().Matches(first.Output).Count >= 6, "the owner fired them");
        Assert.Empty(Fired().Matches(second.Output)); // the standby fires nothing

        first.Kill();
        var before = (await ScheduleAsync(system.Api, "shared"))!.Value.GetProperty("fireCount").GetInt64();
        await Eventually.Until(() => ScheduleAsync(system.Api, "shared"), s => s?.GetProperty("fireCount").GetInt64() >= before + 6,
            TimeSpan.FromSeconds(40), "six more occurrences, fired by the new owner", system.Diagnostics);

        var fired = Fired().Matches(first.Output).Concat(Fired().Matches(second.Output)).Select(m => (Occurrence: m.Groups[1].Value, Task: m.Groups[2].Value)).ToList();
        Assert.True(Fired().Matches(second.Output).Count >= 6, "the new owner fired them");
        Assert.Equal(fired.Count, fired.Select(f => f.Occurrence).Distinct().Count()); // no occurrence twice, across the takeover
        Assert.Equal(fired.Count, fired.Select(f => f.Task).Distinct().Count());
        // Each fired occurrence is one task, run once.
        foreach (var (_, task) in fired)
            Assert.Equal(1, (await system.WaitForTaskAsync(task, "Completed")).Attempts);
    }

    [GeneratedRegex(@"Schedule shared fired its (\S+) occurrence: task ([^;]+);")]
    private static partial Regex Fired();
}
