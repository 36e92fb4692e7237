using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_the_coordinator_restarts_mid_work
{
    [Fact]
    public async Task In_flight_and_waiting_work_finishes_exactly_once()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__AgentQueueBuffer"] = "0" });
        await system.StartActiveAgentsAsync(("steady", ["--concurrency", "2"]));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 3000 } }));
        await Eventually.Until(async () => (await system.Api.TasksAsync("Running")).Count, n => n == 2, TimeSpan.FromSeconds(20),
            "two tasks running", system.Diagnostics);

        system.Coordinator.Kill();
        await system.StartCoordinatorAsync("coordinator (restarted)");

        foreach (var id in ids)
        {
            var task = await system.WaitForTaskAsync(id, "Completed");
            Assert.Equal(1, task.Attempts);
            Assert.Equal("steady", task.AgentId);
        }
        // The list reads the database; a task's own page also shows updates still in the ledger's batch.
        await Eventually.Until(async () => (await system.Api.TasksAsync("Completed")).Count, n => n == ids.Count, TimeSpan.FromSeconds(10),
            $"{ids.Count} tasks listed Completed", system.Diagnostics);
        Assert.DoesNotContain("Stale result", system.Coordinator.Output);
    }
}
