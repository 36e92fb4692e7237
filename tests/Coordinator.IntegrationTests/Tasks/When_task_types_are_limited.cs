using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>Fleet-wide limits per task type on the real system: a cap at once and a rate; tasks over a limit wait, never dropped.</summary>
public sealed class When_task_types_are_limited
{
    [Fact]
    public async Task At_most_the_cap_of_a_type_runs_the_rest_wait_in_priority_order_and_other_types_pass_them()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("roomy", ["--concurrency", "8"]));

        // Bad limits are refused naming the problem.
        foreach (var (path, body, error) in new (string, object, string)[]
                 {
                     ("/api/limits/sleep", new { maxConcurrent = 0 }, "maxConcurrent must be 1 or more, was 0"),
                     ("/api/limits/sleep", new { perSecond = -2 }, "perSecond must be more than 0, was -2"),
                     ("/api/limits/sleep", new { }, "give maxConcurrent, perSecond or both"),
                     ("/api/limits/has%20space", new { maxConcurrent = 1 }, "cannot be limited"),
                 })
        {
            var (status, answer) = await system.Api.SendAsync(HttpMethod.Put, path, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(error, answer.GetProperty("error").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.SendAsync(HttpMethod.Delete, "/api/limits/sleep")).Status);

        Assert.Equal(HttpStatusCode.OK, (await system.Api.SendAsync(HttpMethod.Put, "/api/limits/sleep", new { maxConcurrent = 2 })).Status);
        Assert.NotNull(await system.Broker.GetQueueAsync(system.VirtualHost, "coordinator.dispatch.sleep")); // its own queue, consumed

        var sleeps = new List<string>();
        for (var i = 0; i < 8; i++)
            sleeps.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 1000 } }));
        var urgent = await system.Api.SubmitAsync(new { taskType = "sleep", priority = 9, payload = new { ms = 1000 } });
        var inFlight = await Eventually.Until(async () => (await system.Api.SendAsync(HttpMethod.Get, "/api/limits")).Body,
            b => b.EnumerateArray().Any(l => l.GetProperty("inFlight").GetInt32() == 2), TimeSpan.FromSeconds(10), "two sleeps in flight");
        Assert.Equal(2, Assert.Single(inFlight.EnumerateArray()).GetProperty("maxConcurrent").GetInt32());
        var echoes = new List<string>();
        for (var i = 0; i < 6; i++)
            echoes.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { i } }));

        var done = new Dictionary<string, TaskDto>();
        foreach (var id in sleeps.Append(urgent).Concat(echoes))
            done[id] = await system.WaitForTaskAsync(id, "Completed"); // none dropped
        var ran = sleeps.Append(urgent).Select(id => (Start: done[id].StartedAt!.Value, End: done[id].FinishedAt!.Value)).ToList();
        var mostAtOnce = ran.Max(r => ran.Count(o => o.Start <= r.Start && r.Start < o.End));
        Assert.True(mostAtOnce <= 2, $"{mostAtOnce} sleeps ran at once");
        // The urgent one went ahead of the waiting sleeps submitted before it; the echoes did not wait behind the sleeps at all.
        Assert.True(sleeps.Count(id => done[id].StartedAt > done[urgent].StartedAt) >= 5, "the priority 9 sleep started before most waiting ones");
        var lastSleepStarted = ran.Max(r => r.Start);
        Assert.All(echoes, id => Assert.True(done[id].FinishedAt < lastSleepStarted, $"echo {id} waited behind the sleeps"));
    }

    [Fact]
    public async Task The_cap_holds_across_the_fleet_not_per_agent_and_what_waits_starts_in_priority_order()
    {
        await using var system = await TestSystem.StartAsync();
        // Three agents with room for eight each: a cap kept per agent would let six run at once.
        await system.StartActiveAgentsAsync(("wide-1", ["--concurrency", "8"]), ("wide-2", ["--concurrency", "8"]), ("wide-3", ["--concurrency", "8"]));
        Assert.Equal(HttpStatusCode.OK, (await system.Api.SendAsync(HttpMethod.Put, "/api/limits/sleep", new { maxConcurrent = 2 })).Status);

        // Two long sleeps take the cap; ten short ones wait behind them, submitted in no order of priority.
        var first = new List<string>();
        for (var i = 0; i < 2; i++)
            first.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 5000 } }));
        await Eventually.Until(async () => (await system.Api.SendAsync(HttpMethod.Get, "/api/limits")).Body,
            b => b.EnumerateArray().Any(l => l.GetProperty("inFlight").GetInt32() == 2), TimeSpan.FromSeconds(10), "two sleeps in flight");
        int[] priorities = [3, 8, 1, 6, 0, 9, 4, 7, 2, 5];
        var waiting = new List<(string Id, int Priority)>();
        foreach (var priority in priorities)
            waiting.Add((await system.Api.SubmitAsync(new { taskType = "sleep", priority, payload = new { ms = 400 } }), priority));
        var submittedBy = DateTimeOffset.UtcNow;

        var done = new Dictionary<string, TaskDto>();
        foreach (var id in first.Concat(waiting.Select(w => w.Id)))
            done[id] = await system.WaitForTaskAsync(id, "Completed"); // none dropped
        Assert.True(first.All(id => done[id].FinishedAt > submittedBy),
            "the long sleeps ended before all the others were submitted (a machine this slow cannot show the order)");

        // From the ledger: when each ran (its agent's start, its result's end). Never more than two at once, across the fleet,
        // and the cap was used: two at once, on more than one agent.
        var ran = done.Values.Select(t => (Start: t.StartedAt!.Value, End: t.FinishedAt!.Value)).ToList();
        var mostAtOnce = ran.Max(r => ran.Count(o => o.Start <= r.Start && r.Start < o.End));
        Assert.Equal(2, mostAtOnce);
        Assert.True(done.Values.Select(t => t.AgentId).Distinct().Count() >= 2, $"every sleep ran on {done.Values.First().AgentId}");
        // What waited was placed highest priority first. Two placed at once (both slots freed together) are stamped a few
        // milliseconds apart in either order; a lower priority placed ahead of a higher one by more than that is a violation
        // (each wait here is a sleep's whole length).
        var inversions = (from higher in waiting
                          from lower in waiting
                          where higher.Priority > lower.Priority && done[higher.Id].AssignedAt > done[lower.Id].AssignedAt + TimeSpan.FromMilliseconds(200)
                          select $"{lower.Priority} before {higher.Priority}").ToList();
        Assert.True(inversions.Count == 0, $"placed out of priority order: {string.Join(", ", inversions)}; " +
                                           string.Join(", ", waiting.OrderBy(w => done[w.Id].AssignedAt).Select(w => $"{w.Priority}@{done[w.Id].AssignedAt:HH:mm:ss.fff}")));
    }

    [Fact]
    public async Task A_rate_spreads_a_burst_over_time_and_limits_survive_a_restart()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("steady", ["--concurrency", "8"]));
        Assert.Equal(HttpStatusCode.OK, (await system.Api.SendAsync(HttpMethod.Put, "/api/limits/echo", new { perSecond = 4 })).Status);

        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { i } }));
        var assigned = new List<DateTimeOffset>();
        foreach (var id in ids)
            assigned.Add((await system.WaitForTaskAsync(id, "Completed")).AssignedAt!.Value);
        // Four at once (a second's worth), then four a second: twelve take two seconds at least.
        var span = assigned.Max() - assigned.Min();
        Assert.True(span >= TimeSpan.FromSeconds(1.8), $"12 echoes at 4 a second were placed within {span.TotalSeconds:0.00} s");
        // In any second, at most the burst (a second's worth) plus a second's refill.
        var mostInASecond = assigned.Max(a => assigned.Count(b => b >= a && b < a + TimeSpan.FromSeconds(1)));
        Assert.True(mostInASecond <= 9, $"{mostInASecond} placed within one second");

        system.Coordinator.Kill();
        await system.StartCoordinatorAsync("coordinator (restarted)");
        var limit = Assert.Single((await system.Api.SendAsync(HttpMethod.Get, "/api/limits")).Body.EnumerateArray());
        Assert.Equal(("echo", 4.0), (limit.GetProperty("taskType").GetString(), limit.GetProperty("perSecond").GetDouble()));
        Assert.Equal(HttpStatusCode.NoContent, (await system.Api.SendAsync(HttpMethod.Delete, "/api/limits/echo")).Status);
        Assert.Empty((await system.Api.SendAsync(HttpMethod.Get, "/api/limits")).Body.EnumerateArray());
        // Lifted: its own queue is still consumed, and its tasks run unhindered.
        await system.WaitForTaskAsync(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } }), "Completed");
    }
}
