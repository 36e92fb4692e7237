using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_an_agent_dies_mid_task
{
    [Fact]
    public async Task Its_running_and_queued_tasks_complete_elsewhere_exactly_once()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__LoadBalancingStrategy"] = "RoundRobin" });
        var agents = await system.StartActiveAgentsAsync(("victim", ["--concurrency", "2"]), ("survivor", ["--concurrency", "2"]));
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 2000 } }));
        // Round robin: three each; two running and one queued on every agent.
        await Eventually.Until(async () => (await system.Api.TasksAsync()).Count(t => t.AgentId == "victim" && t.Status is "Assigned" or "Running"),
            n => n == 3, TimeSpan.FromSeconds(20), "three tasks on the victim", system.Diagnostics);
        var onVictim = (await system.Api.TasksAsync()).Where(t => t.AgentId == "victim").Select(t => t.TaskId).ToList();

        var killedAt = DateTimeOffset.UtcNow;
        agents[0].Kill();

        foreach (var id in ids)
        {
            var task = await system.WaitForTaskAsync(id, "Completed");
            if (!onVictim.Contains(id))
                continue;
            Assert.Equal("survivor", task.AgentId);
            Assert.Equal(2, task.Attempts);
            var movedAfter = task.AssignedAt!.Value - killedAt;
            Assert.True(movedAfter < TimeSpan.FromSeconds(8), $"task {id} was assigned again {movedAfter.TotalSeconds:0.0} s after the kill");
        }
        var metrics = await system.Api.MetricsAsync();
        Assert.Equal(3, metrics.GetProperty("recovery").GetProperty("tasksReassigned").GetInt32());
        Assert.Equal(0, (await system.Broker.GetQueueAsync(system.VirtualHost, "agent-victim"))?.Messages ?? 0);
        // The list reads the database; a task's own page also shows updates still in the ledger's batch.
        await Eventually.Until(async () => (await system.Api.TasksAsync("Completed")).Count, n => n == ids.Count, TimeSpan.FromSeconds(10),
            $"{ids.Count} tasks listed Completed", system.Diagnostics);
    }
}
