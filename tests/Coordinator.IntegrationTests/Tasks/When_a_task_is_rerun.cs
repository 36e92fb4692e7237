using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>POST /api/tasks/{id}/retry and POST /api/tasks/retry on the real system: a fresh attempt series on the same id, history kept.</summary>
public sealed class When_a_task_is_rerun
{
    [Fact]
    public async Task It_runs_again_with_a_fresh_retry_budget_and_its_history_keeps_how_the_earlier_run_ended()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "2" });
        await system.StartActiveAgentsAsync(("rerunner", ["--concurrency", "4"]));

        // Dead-lettered after its two attempts; the re-run gets two more (attempts 3 and 4), not none.
        var failing = await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "still broken" } });
        var dead = await system.WaitForTaskAsync(failing, "DeadLettered");
        Assert.Equal(2, dead.Attempts);
        var (status, body) = await system.Api.SendAsync(HttpMethod.Post, $"/api/tasks/{failing}/retry");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(3, body.GetProperty("attempt").GetInt32());
        var again = await Eventually.Until(() => system.Api.TaskAsync(failing), t => t is { Status: "DeadLettered", Attempts: 4 }, TimeSpan.FromSeconds(30),
            "the re-run to spend its own two attempts", system.Diagnostics);
        var earlier = Assert.Single(again!.EarlierRuns);
        Assert.Equal((1, 2, "DeadLettered"), (earlier.GetProperty("firstAttempt").GetInt32(), earlier.GetProperty("lastAttempt").GetInt32(),
            earlier.GetProperty("status").GetString()));
        Assert.Contains("still broken", earlier.GetProperty("error").GetString());

        // Timed out at a deadline that has passed: the re-run drops that deadline and completes.
        var late = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 3000 }, deadline = DateTimeOffset.UtcNow.AddSeconds(1) });
        await system.WaitForTaskAsync(late, "TimedOut");
        Assert.Equal(HttpStatusCode.Accepted, (await system.Api.SendAsync(HttpMethod.Post, $"/api/tasks/{late}/retry")).Status);
        var completed = await system.WaitForTaskAsync(late, "Completed");
        Assert.Equal(3000, completed.Result!.Value.GetProperty("sleptMs").GetInt32());
        Assert.Equal("TimedOut", Assert.Single(completed.EarlierRuns).GetProperty("status").GetString());

        // A completed task, or an unknown one, is not re-run; the answer names why.
        (status, body) = await system.Api.SendAsync(HttpMethod.Post, $"/api/tasks/{late}/retry");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Contains("only a DeadLettered, Failed, TimedOut, Cancelled task can be re-run", body.GetProperty("error").GetString());
        (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/api/tasks/no-such-task/retry");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("not found", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Many_are_rerun_by_status_and_type_in_one_request_within_its_limit()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "1" });
        await system.StartActiveAgentsAsync(("bulk", ["--concurrency", "4"]));
        var failed = new List<string>();
        for (var i = 0; i < 3; i++)
            failed.Add(await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = $"bulk {i}" } }));
        var fine = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } });
        foreach (var id in failed)
            await system.WaitForTaskAsync(id, "DeadLettered");
        await system.WaitForTaskAsync(fine, "Completed");
        // The bulk form reads the ledger's table: wait until the batch writer has put them there.
        await Eventually.Until(async () => (await system.Api.TasksAsync("DeadLettered")).Count, n => n == 3, TimeSpan.FromSeconds(10), "3 listed DeadLettered");

        // Bad filters are refused and nothing is re-run.
        var (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/api/tasks/retry", new { status = new[] { "Completed" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("status 'Completed' cannot be re-run", body.GetProperty("error").GetString());
        (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/api/tasks/retry", new { limit = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("limit must be between 1 and 1000", body.GetProperty("error").GetString());
        (status, _) = await system.Api.SendAsync(HttpMethod.Post, "/api/tasks/retry", new { status = new[] { "Sleeping" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);

        // One at first (more matched), then the rest, by when they ended (before the first re-run ended again): each ran again once,
        // the completed task never did.
        var beforeRerun = DateTimeOffset.UtcNow;
        (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/api/tasks/retry", new { status = new[] { "DeadLettered" }, type = "fail", limit = 1 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(failed[0], Assert.Single(body.GetProperty("rerun").EnumerateArray()).GetString());
        Assert.True(body.GetProperty("more").GetBoolean());
        await Eventually.Until(() => system.Api.TaskAsync(failed[0]), t => t is { Status: "DeadLettered", Attempts: 2 }, TimeSpan.FromSeconds(30),
            "the first re-run to end", system.Diagnostics);
        (status, body) = await system.Api.SendAsync(HttpMethod.Post, "/api/tasks/retry", new
        {
            status = new[] { "DeadLettered" }, type = "fail", finishedAfter = beforeRerun.AddMinutes(-5), finishedBefore = beforeRerun, limit = 2,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("more").GetBoolean());
        Assert.Equal(failed.Skip(1).Order(), body.GetProperty("rerun").EnumerateArray().Select(e => e.GetString()!).Order());
        foreach (var id in failed.Skip(1))
            await Eventually.Until(() => system.Api.TaskAsync(id), t => t is { Status: "DeadLettered", Attempts: 2 }, TimeSpan.FromSeconds(30),
                $"task {id} re-run once", system.Diagnostics);
        Assert.Empty((await system.Api.TaskAsync(fine))!.EarlierRuns);
    }

    [Fact]
    public async Task A_failed_task_waiting_for_its_retry_runs_now_instead_and_the_retry_it_waited_for_never_comes()
    {
        // Retries wait ten minutes here: the re-run must not.
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Coordinator__MaxRetries"] = "3", ["Coordinator__RetryBackoff"] = "00:10:00",
        });
        await system.StartActiveAgentsAsync(("impatient", []));
        var failing = await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "flaky" } });
        Assert.Equal(1, (await system.WaitForTaskAsync(failing, "Failed")).Attempts);

        var (status, body) = await system.Api.SendAsync(HttpMethod.Post, $"/api/tasks/{failing}/retry");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(2, body.GetProperty("attempt").GetInt32());
        var rerun = await Eventually.Until(() => system.Api.TaskAsync(failing), t => t is { Status: "Failed", Attempts: 2 }, TimeSpan.FromSeconds(20),
            "the re-run's first attempt to fail", system.Diagnostics);
        Assert.Equal("Failed", Assert.Single(rerun!.EarlierRuns).GetProperty("status").GetString());
        // The 202 above says the retry the first run waited for (attempt 2) was found and taken back (else: 409, "has just been
        // sent"); attempt 2 ran once, the re-run's.
        Assert.Single(system.Coordinator.Output.Split('\n'), l => l.Contains($"Task {failing} attempt 2 failed on"));
    }
}
