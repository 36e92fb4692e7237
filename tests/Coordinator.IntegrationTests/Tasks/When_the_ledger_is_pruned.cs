using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>Tasks:Retention on the real databases (retention shortened to seconds here, the scenario kept): ended tasks go once older than the retention, recent ones and live ones stay.</summary>
public sealed class When_the_ledger_is_pruned
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tasks_that_ended_longer_ago_than_the_retention_go_and_recent_waiting_or_running_ones_stay(bool postgres)
    {
        var retention = TimeSpan.FromSeconds(15); // long enough that a loaded machine still shows the recent one kept
        await using var system = await TestSystem.StartAsync(postgres, coordinatorSettings: new()
        {
            ["Tasks__Retention"] = retention.ToString(), ["Tasks__RetentionInterval"] = "00:00:01", ["Coordinator__MaxRetries"] = "1",
        });
        await system.StartActiveAgentsAsync(("keeper", ["--concurrency", "4"]));

        // Waiting from before anything else ended: its type may start one task in a thousand seconds, and one has just started.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await system.Api.SendAsync(HttpMethod.Put, "/api/limits/compute", new { perSecond = 0.001 })).Status);
        var ended = new List<string> { await system.Api.SubmitAsync(new { taskType = "compute", payload = new { iterations = 1 } }) };
        await system.WaitForTaskAsync(ended[0], "Completed");
        var waiting = await system.Api.SubmitAsync(new { taskType = "compute", payload = new { iterations = 1 } });
        for (var i = 0; i < 5; i++)
            ended.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { i } }));
        ended.Add(await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "dead-lettered" } }));
        var running = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 60_000 } });
        var scheduled = await system.Api.SubmitAsync(new { taskType = "echo", runAt = DateTimeOffset.UtcNow.AddMinutes(5) });
        foreach (var id in ended)
            await system.WaitForTaskAsync(id, "Completed", "DeadLettered");
        await system.WaitForTaskAsync(running, "Running");
        // One more that ends a few seconds after the others: still within the retention when they go.
        var recent = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 6000 } });
        var recentDone = await system.WaitForTaskAsync(recent, "Completed");

        // The retention after they ended, within a retention run or two: gone from the task's page and from the list.
        foreach (var id in ended)
            await Eventually.Until(() => system.Api.TaskAsync(id), t => t is null, TimeSpan.FromSeconds(30), $"task {id} pruned", system.Diagnostics);
        Assert.DoesNotContain(await system.Api.TasksAsync(), t => ended.Contains(t.TaskId));
        Assert.Contains("Ledger retention:", system.Coordinator.Output);

        // The run that pruned them came after the recent one ended, and kept it: it ended within the retention.
        var kept = await system.Api.TaskAsync(recent);
        Assert.True(DateTimeOffset.UtcNow - recentDone.FinishedAt < retention, "the check came too late to show a recent task kept");
        Assert.Equal("Completed", kept?.Status);
        Assert.Contains(await system.Api.TasksAsync(), t => t.TaskId == recent);
        // What has not ended stays, however old.
        Assert.Equal("Pending", (await system.Api.TaskAsync(waiting))!.Status);
        Assert.Equal("Running", (await system.Api.TaskAsync(running))!.Status);
        Assert.Equal("Scheduled", (await system.Api.TaskAsync(scheduled))!.Status);

        // Once the recent one is older than the retention it goes too; the rest still stay.
        await Eventually.Until(() => system.Api.TaskAsync(recent), t => t is null, TimeSpan.FromSeconds(30), "the recent task pruned in its turn", system.Diagnostics);
        Assert.Equal(["Pending", "Running", "Scheduled"],
            new[] { (await system.Api.TaskAsync(waiting))!.Status, (await system.Api.TaskAsync(running))!.Status, (await system.Api.TaskAsync(scheduled))!.Status });
    }
}
