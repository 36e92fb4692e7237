using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// Several coordinators on one PostgreSQL: one owns the task path, the others stand by; when the owner is killed or paused past
/// its lease, a standby takes over and nothing is lost or done twice. (The lease is 2 s here, 3 s by default.)
/// </summary>
public sealed class When_the_owner_is_lost(ITestOutputHelper output)
{
    static readonly Dictionary<string, string> ShortLease = new()
    {
        ["Ownership__LeaseTtl"] = "00:00:02", ["Ownership__RenewInterval"] = "00:00:00.500", ["Ownership__AcquireInterval"] = "00:00:00.250",
    };

    static async Task<(HttpStatusCode Status, JsonElement Body)> OwnerAsync(CoordinatorApi api)
    {
        using var response = await api.Http.GetAsync("/health/owner");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task A_standby_takes_over_within_seconds_of_a_kill_and_every_task_completes_once()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: ShortLease);
        var owner = system.Coordinator;
        using var ownerApi = new CoordinatorApi(system.Api.Http.BaseAddress!);
        await system.StartCoordinatorAsync("standby");
        var standby = system.Api; // from here the test talks to the standby only, as a client behind a load balancer might

        Assert.Equal(HttpStatusCode.OK, (await OwnerAsync(ownerApi)).Status);
        var (status, body) = await OwnerAsync(standby);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(ownerApi.Http.BaseAddress!.ToString().TrimEnd('/'), body.GetProperty("owner").GetString());
        // Writes are the owner's: a standby forwards them through the broker and gives the owner's answer.
        using (var forwarded = await standby.Http.PostAsync("/api/tasks/no-such-task/cancel", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, forwarded.StatusCode);
            Assert.Contains("task 'no-such-task' not found", await forwarded.Content.ReadAsStringAsync());
            Assert.True(forwarded.Headers.Contains("X-Answered-By-Coordinator"));
        }

        await system.StartActiveAgentsAsync(("steady-1", ["--concurrency", "4"]), ("steady-2", ["--concurrency", "4"]));
        var ids = new List<string>();
        for (var i = 0; i < 60; i++)
            ids.Add(await standby.SubmitAsync(new { taskType = "sleep", payload = new { ms = 300 } })); // through the broker to the owner
        await Eventually.Until(async () => (await standby.TasksAsync("Completed")).Count, n => n >= 15, TimeSpan.FromSeconds(30),
            "a quarter done", system.Diagnostics);

        // A client's own id submitted twice through the standby (a retry behind a load balancer) is taken once by the owner.
        await standby.SubmitAsync(new { taskId = "client-chosen-1", taskType = "echo", payload = new { } });
        await system.WaitForTaskAsync("client-chosen-1", "Completed");
        await standby.SubmitAsync(new { taskId = "client-chosen-1", taskType = "echo", payload = new { } });
        await Eventually.Until(() => Task.FromResult(owner.Output), o => o.Contains("Task client-chosen-1 submitted again while Completed: accepted once"),
            TimeSpan.FromSeconds(10), "the owner to recognise the resubmission", system.Diagnostics);

        var cancelled = await standby.SubmitAsync(new { taskType = "sleep", payload = new { ms = 60_000 } });
        using (var cancel = await standby.Http.PostAsync($"/api/tasks/{cancelled}/cancel", System.Net.Http.Json.JsonContent.Create(new { reason = "via the standby" })))
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("cancelled: via the standby", (await system.WaitForTaskAsync(cancelled, "Cancelled")).Reason);

        var clock = Stopwatch.StartNew();
        owner.Kill();
        await Eventually.Until(async () => (await OwnerAsync(standby)).Status, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20),
            "the standby to own the task path", system.Diagnostics);
        var tookOver = clock.Elapsed;
        var probe = await standby.SubmitAsync(new { taskType = "echo", payload = new { } });
        var placed = await system.WaitForTaskAsync(probe, "Completed");
        output.WriteLine($"owner killed: the standby owned the task path after {tookOver.TotalSeconds:0.00} s; a new task completed after {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.True(tookOver < TimeSpan.FromSeconds(10), $"took over after {tookOver.TotalSeconds:0.0} s");

        foreach (var id in ids)
            await system.WaitForTaskAsync(id, "Completed"); // none waits for the watchdog's minutes
        // No agent was judged failed for the heartbeats that went to the dead owner.
        Assert.All(await standby.AgentsAsync(), a => Assert.Equal("Active", a.State));
        Assert.Contains("took the task path's lease (epoch 2)", system.Coordinator.Output);
        Assert.NotNull(placed.AssignedAt);
    }

    [Fact]
    public async Task An_owner_paused_past_its_lease_wakes_fenced_and_stops_and_nothing_is_assigned_twice()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: ShortLease);
        var owner = system.Coordinator;
        await system.StartCoordinatorAsync("standby");
        var standby = system.Api;
        await system.StartActiveAgentsAsync(("patient", ["--concurrency", "2"]));

        // A task running when the owner is paused: its result goes to the next owner, which restored it from the ledger.
        var running = await standby.SubmitAsync(new { taskType = "sleep", payload = new { ms = 4000 } });
        await system.WaitForTaskAsync(running, "Running");
        owner.Pause();
        await Eventually.Until(async () => (await OwnerAsync(standby)).Status, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20),
            "the standby to own the task path", system.Diagnostics);
        var more = new List<string>();
        for (var i = 0; i < 5; i++)
            more.Add(await standby.SubmitAsync(new { taskType = "echo", payload = new { i } }));
        foreach (var id in more)
            Assert.Equal(1, (await system.WaitForTaskAsync(id, "Completed")).Attempts);
        var done = await system.WaitForTaskAsync(running, "Completed");
        Assert.Equal(1, done.Attempts); // not assigned again: the new owner knew it was in flight

        // The paused owner wakes: it finds its lease gone before it acts, and stops.
        owner.Resume();
        await Eventually.Until(() => Task.FromResult(owner.HasExited), exited => exited, TimeSpan.FromSeconds(30), "the old owner to stop", system.Diagnostics);
        Assert.Contains("lost the task path's lease", owner.Output);
        foreach (var id in more.Append(running))
            Assert.Equal(("Completed", 1), ((await standby.TaskAsync(id))!.Status, (await standby.TaskAsync(id))!.Attempts));
    }
}
