using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_an_agent_is_paused_past_its_timeout
{
    [Fact]
    public async Task Its_work_moves_and_on_waking_it_learns_it_was_evicted_and_registers_again()
    {
        await using var system = await TestSystem.StartAsync();
        var agents = await system.StartActiveAgentsAsync(("sleeper", []));
        var id = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 4000 } });
        await system.WaitForTaskAsync(id, "Running");

        agents[0].Pause();
        try
        {
            await system.WaitForStateAsync("sleeper", "Failed", TimeSpan.FromSeconds(15));
            system.StartAgent("rescuer");
            var task = await system.WaitForTaskAsync(id, "Completed");
            Assert.Equal("rescuer", task.AgentId);
            Assert.Equal(2, task.Attempts);
        }
        finally
        {
            agents[0].Resume();
        }

        var back = await system.WaitForStateAsync("sleeper", "Active", TimeSpan.FromSeconds(30));
        Assert.Equal(agents[0].Pid, back.Metadata.ProcessId);
        await Eventually.Until(() => Task.FromResult(agents[0].Output.Contains("evicted by the coordinator")), TimeSpan.FromSeconds(15),
            "the woken agent to learn it was evicted", system.Diagnostics);
        var final = await system.Api.TaskAsync(id);
        Assert.Equal("Completed", final!.Status);
        Assert.Equal("rescuer", final.AgentId);
        Assert.Single(await system.Api.TasksAsync("Completed"));
        var recovery = (await system.Api.MetricsAsync()).GetProperty("recovery");
        Assert.Equal(1, recovery.GetProperty("falsePositives").GetInt32());
        Assert.Equal(1, recovery.GetProperty("tasksReassigned").GetInt32());
    }
}
