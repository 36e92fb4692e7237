using System.Net;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// Every coordinator answers the API and serves the dashboard. A standby reads what is shared from PostgreSQL, asks the owner
/// for what only the owner holds (in flight, per-agent load, limits' counts, alerts, the scaling view) and forwards the owner's
/// writes (re-run, drain, limits) through the broker; <c>/health/ready</c> says which one it is.
/// </summary>
public sealed class When_a_standby_answers
{
    [Fact]
    public async Task It_shows_the_owners_working_state_and_makes_the_owners_writes_through_it()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "1" });
        using var owner = new CoordinatorApi(system.Api.Http.BaseAddress!);
        await system.StartCoordinatorAsync("standby");
        var standby = system.Api; // from here every request goes to the standby

        // Ready on both, each saying its role; the standby names the owner.
        var (status, ready) = await owner.SendAsync(HttpMethod.Get, "/health/ready");
        Assert.Equal((HttpStatusCode.OK, "owner"), (status, ready.GetProperty("role").GetString()));
        (status, ready) = await standby.SendAsync(HttpMethod.Get, "/health/ready");
        Assert.Equal((HttpStatusCode.OK, "standby"), (status, ready.GetProperty("role").GetString()));
        Assert.Equal(owner.Http.BaseAddress!.ToString().TrimEnd('/'), ready.GetProperty("owner").GetString());

        await system.StartActiveAgentsAsync(("shared-1", ["--concurrency", "4"]));
        (status, _) = await standby.SendAsync(HttpMethod.Put, "/api/limits/sleep", new { maxConcurrent = 3 });
        Assert.Equal(HttpStatusCode.OK, status);
        var sleeping = new List<string>();
        for (var i = 0; i < 4; i++)
            sleeping.Add(await standby.SubmitAsync(new { taskType = "sleep", payload = new { ms = 120_000 } }));
        await Eventually.Until(async () => (await standby.TasksAsync("Running")).Count, n => n == 3, TimeSpan.FromSeconds(30),
            "three of the four to run (the limit holds the fourth)", system.Diagnostics);

        // What only the owner's memory holds, read through the standby: the owner's figures, not the standby's zeros.
        using (var metrics = await standby.Http.GetAsync("/api/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.True(metrics.Headers.Contains("X-Answered-By-Coordinator"));
            Assert.False(metrics.Headers.Contains("X-Owner-Unreachable"));
            var body = JsonDocument.Parse(await metrics.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(3, body.GetProperty("inFlight").GetInt32());
            Assert.Equal(3, Assert.Single(body.GetProperty("load").EnumerateArray()).GetProperty("inFlight").GetInt32());
        }
        (status, var limits) = await standby.SendAsync(HttpMethod.Get, "/api/limits");
        Assert.Equal(HttpStatusCode.OK, status);
        var sleepLimit = Assert.Single(limits.EnumerateArray());
        Assert.Equal((3, 3), (sleepLimit.GetProperty("maxConcurrent").GetInt32(), sleepLimit.GetProperty("inFlight").GetInt32()));
        foreach (var path in new[] { "/api/alerts", "/api/scaling", "/api/metrics/history" })
        {
            using var read = await standby.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.True(read.Headers.Contains("X-Answered-By-Coordinator"), $"{path} was not forwarded");
            Assert.False(read.Headers.Contains("X-Owner-Unreachable"), $"{path} was answered by the standby itself");
        }
        // What is shared is read from PostgreSQL by the standby itself, and the dashboard is served by it.
        Assert.Equal(4, (await standby.TasksAsync()).Count(t => t.TaskType == "sleep"));
        using (var page = await standby.Http.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("dashboard.js", await page.Content.ReadAsStringAsync());
        }

        // A re-run through the standby: made by the owner, which runs it again.
        var failing = await standby.SubmitAsync(new { taskType = "fail", payload = new { message = "re-run through a standby" } });
        await system.WaitForTaskAsync(failing, "DeadLettered");
        (status, var rerun) = await standby.SendAsync(HttpMethod.Post, $"/api/tasks/{failing}/retry");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(2, rerun.GetProperty("attempt").GetInt32());
        var again = await Eventually.Until(() => standby.TaskAsync(failing), t => t is { Status: "DeadLettered", Attempts: 2 }, TimeSpan.FromSeconds(30),
            "the re-run to run and end again", system.Diagnostics);
        Assert.Single(again!.EarlierRuns);

        // A drain through the standby: the owner drains the agent.
        (status, _) = await standby.SendAsync(HttpMethod.Post, "/api/agents/shared-1/drain");
        Assert.Equal(HttpStatusCode.Accepted, status);
        await system.WaitForStateAsync("shared-1", "Draining");

        // The owner's own answers are its own: nothing is forwarded there.
        using (var local = await owner.Http.GetAsync("/api/metrics"))
            Assert.False(local.Headers.Contains("X-Answered-By-Coordinator"));
    }
}
