using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_a_result_is_forged_or_stale
{
    [Fact]
    public async Task It_is_logged_with_the_reason_and_never_completes_the_task()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("honest", []));
        await using var bus = await TestBus.StartAsync(system.VirtualHost);
        var id = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 3000 } });
        await system.WaitForTaskAsync(id, "Running");

        await bus.PublishAsync(new TaskCompleted
        {
            TaskId = id, AgentId = "forger", Attempt = 1, Result = JsonSerializer.SerializeToElement("forged"), Timestamp = DateTimeOffset.UtcNow,
        });
        await bus.PublishAsync(new TaskCompleted
        {
            TaskId = id, AgentId = "honest", Attempt = 7, Result = JsonSerializer.SerializeToElement("stale"), Timestamp = DateTimeOffset.UtcNow,
        });

        await Eventually.Until(() => Task.FromResult(
                system.Coordinator.Output.Contains($"Stale result for task {id} attempt 1 from agent forger") &&
                system.Coordinator.Output.Contains($"Stale result for task {id} attempt 7 from agent honest")),
            TimeSpan.FromSeconds(20), "both results to be refused in the log", system.Diagnostics);
        Assert.Equal("Running", (await system.Api.TaskAsync(id))!.Status);

        var done = await system.WaitForTaskAsync(id, "Completed");
        Assert.Equal("honest", done.AgentId);
        Assert.Equal(3000, done.Result!.Value.GetProperty("sleptMs").GetInt32());
    }
}
