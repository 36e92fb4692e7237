using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Scaling;

public sealed class When_an_agent_falls_behind
{
    [Fact]
    public async Task Work_waiting_on_it_moves_to_an_agent_with_free_slots_and_runs_once()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Scaling__LoadBalanceInterval"] = "00:00:02" });
        var lagging = (await system.StartActiveAgentsAsync(("lagging", ["--concurrency", "1"])))[0];
        // One slot and a buffer of two: the long task runs, the two short ones wait behind it on the agent.
        var longTask = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 10_000 } });
        await system.WaitForTaskAsync(longTask, "Running");
        var waiting = new[]
        {
            await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 300 } }),
            await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 300 } }),
        };
        foreach (var id in waiting)
            Assert.Equal("lagging", (await system.WaitForTaskAsync(id, "Assigned")).AgentId);

        await system.StartActiveAgentsAsync(("fresh", ["--concurrency", "2"]));

        var moved = new List<TaskDto>();
        foreach (var id in waiting)
            moved.Add(await system.WaitForTaskAsync(id, "Completed"));
        var stayed = await system.WaitForTaskAsync(longTask, "Completed");
        Assert.All(moved, t =>
        {
            Assert.Equal(("fresh", 2), (t.AgentId, t.Attempts));
            Assert.True(t.FinishedAt < stayed.FinishedAt, $"{t} finished before the long task it waited behind");
        });
        Assert.Equal(("lagging", 1), (stayed.AgentId, stayed.Attempts));
        Assert.Contains("released: True (released before it started)", lagging.Output);
        // Each ran once: the agent that gave them back never started them.
        Assert.DoesNotContain($"Task {waiting[0]} attempt 1 failed", lagging.Output);
        Assert.Equal(2, lagging.Output.Split('\n').Count(l => l.Contains("asked back by the coordinator")));
    }
}
