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
        await using var watch = await FleetWatch.StartAsync(system);
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
        watch.ClearVerdicts(); // the agents' own registrations
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
        Assert.Contains("took the task path's lease (epoch 2)", system.Coordinator.Output);
        Assert.NotNull(placed.AssignedAt);

        // An assignment of the dead owner's epoch, still on its way to an agent that has had one of the new owner's since (the
        // probe's), is refused there: it is not run.
        await using (var bus = await TestBus.StartAsync(system.VirtualHost))
            await bus.SendAsync(new Uri($"queue:{Contracts.EntityNames.AgentQueue(placed.AgentId!)}"), new Contracts.AssignTask
            {
                TaskId = "from-the-dead-owner", TaskType = "echo", AgentId = placed.AgentId!, Attempt = 1, OwnerEpoch = 1,
                Deadline = DateTimeOffset.UtcNow.AddMinutes(1), SubmittedAt = DateTimeOffset.UtcNow, Timestamp = DateTimeOffset.UtcNow,
            });
        await Eventually.Until(() => Task.FromResult(system.Diagnostics()), // the agents' output among the rest
            o => o.Contains("Task from-the-dead-owner attempt 1 refused: sent by a coordinator of epoch 1, which no longer owns the task path (epoch 2 does)"),
            TimeSpan.FromSeconds(20), "the agent to refuse the dead owner's assignment", system.Diagnostics);

        // Each task ran exactly once (an assignment of the dead owner's that it had not written would show here as a second run),
        // the refused one not at all, and no agent was judged for the heartbeats that went to the dead owner.
        await watch.WaitForRunsToEndAsync(TimeSpan.FromSeconds(30), system.Diagnostics);
        watch.AssertEachRanOnce([.. ids, "client-chosen-1", probe], system.Diagnostics);
        Assert.Empty(watch.ExecutionsOf("from-the-dead-owner"));
        watch.AssertNoAgentJudged(system.Diagnostics);
        Assert.All(await standby.AgentsAsync(), a => Assert.Equal("Active", a.State));
    }

    [Fact]
    public async Task An_owner_paused_past_its_lease_under_load_wakes_fenced_and_stops_and_nothing_is_assigned_twice()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: ShortLease);
        await using var watch = await FleetWatch.StartAsync(system);
        var owner = system.Coordinator;
        await system.StartCoordinatorAsync("standby");
        var standby = system.Api;
        await system.StartActiveAgentsAsync(("patient-1", ["--concurrency", "4"]), ("patient-2", ["--concurrency", "4"]));
        watch.ClearVerdicts(); // the agents' own registrations

        // A steady client, through the standby (the paused owner's API answers nothing), and a task running when the owner is
        // paused: its result goes to the next owner, which restored it from the ledger.
        var load = new SteadyLoad("paused-owner", () => [standby], TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2));
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= 30, TimeSpan.FromSeconds(30), "load under way", system.Diagnostics);
        var running = await standby.SubmitAsync(new { taskType = "sleep", payload = new { ms = 4000 } });
        await system.WaitForTaskAsync(running, "Running");
        owner.Pause();
        await Eventually.Until(async () => (await OwnerAsync(standby)).Status, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20),
            "the standby to own the task path", system.Diagnostics);
        // The paused owner's broker connection was closed by the new owner: the broker would otherwise go on handing it its
        // share of the owner's queues (one agent's every heartbeat, with two agents) until it misses its heartbeats.
        Assert.Contains("Closed 1 broker connection(s) of the previous owner", system.Coordinator.Output);
        var before = load.Count;
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= before + 30, TimeSpan.FromSeconds(30), "load to go on", system.Diagnostics);

        // The paused owner wakes under load: it finds its lease gone before it acts, and stops.
        owner.Resume();
        await Eventually.Until(() => Task.FromResult(owner.HasExited), exited => exited, TimeSpan.FromSeconds(30), "the old owner to stop", system.Diagnostics);
        Assert.Contains("lost the task path's lease", owner.Output);
        before = load.Count;
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= before + 30, TimeSpan.FromSeconds(30), "load to go on", system.Diagnostics);
        var ids = await load.StopAsync();

        // Nothing assigned twice: every task, the one running across the pause too, ran exactly once on one agent, and the
        // ledger says one attempt (what the woken owner had queued for it was refused, not written over the new owner's).
        var tasks = await watch.AssertEveryTaskCompletedOnceAsync(system, standby, [.. ids, running]);
        output.WriteLine($"{tasks.Count} tasks, every one Completed in one attempt and run exactly once");
        foreach (var line in owner.Output.Split('\n').Where(l => l.Contains("lease") || l.Contains("refused")))
            output.WriteLine(line); // the woken owner's own account of its end
        watch.AssertNoAgentJudged(system.Diagnostics);
    }
}
