using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>Tasks:Retention on the real databases (retention shortened to seconds here, the scenario kept): ended tasks go, live ones stay.</summary>
public sealed class When_the_ledger_is_pruned
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tasks_that_ended_longer_ago_than_the_retention_go_and_waiting_or_running_ones_stay(bool postgres)
    {
        await using var system = await TestSystem.StartAsync(postgres, coordinatorSettings: new()
        {
            ["Tasks__Retention"] = "00:00:03", ["Tasks__RetentionInterval"] = "00:00:01", ["Coordinator__MaxRetries"] = "1",
        });
        await system.StartActiveAgentsAsync(("keeper", ["--concurrency", "4"]));

        var ended = new List<string>();
        for (var i = 0; i < 5; i++)
            ended.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { i } }));
        ended.Add(await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "dead-lettered" } }));
        var running = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 60_000 } });
        var scheduled = await system.Api.SubmitAsync(new { taskType = "echo", runAt = DateTimeOffset.UtcNow.AddMinutes(5) });
        foreach (var id in ended)
            await system.WaitForTaskAsync(id, "Completed", "DeadLettered");
        await system.WaitForTaskAsync(running, "Running");

        // Three seconds after they ended, within a retention run or two: gone from the task's page and from the list.
        foreach (var id in ended)
            await Eventually.Until(() => system.Api.TaskAsync(id), t => t is null, TimeSpan.FromSeconds(20), $"task {id} pruned", system.Diagnostics);
        Assert.DoesNotContain(await system.Api.TasksAsync(), t => ended.Contains(t.TaskId));
        Assert.Contains("Ledger retention:", system.Coordinator.Output);

        // What has not ended stays, however old.
        Assert.Equal("Running", (await system.Api.TaskAsync(running))!.Status);
        Assert.Equal("Scheduled", (await system.Api.TaskAsync(scheduled))!.Status);
    }
}
