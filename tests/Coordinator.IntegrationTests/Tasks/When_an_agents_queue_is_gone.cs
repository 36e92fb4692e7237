using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>
/// An assignment sent to an agent whose queue no longer exists (deleted while a new process has not declared it
/// yet, or by an operator) is returned by the broker, not lost: the dispatcher places it again.
/// </summary>
public sealed class When_an_agents_queue_is_gone
{
    [Fact]
    public async Task Assignments_returned_by_the_broker_are_placed_again_elsewhere()
    {
        await using var system = await TestSystem.StartAsync();
        var agents = await system.StartActiveAgentsAsync(("vanished", []), ("steady", []));
        // Both queues have carried work, so the coordinator's send endpoints for them exist.
        var warm = new List<string>();
        for (var i = 0; i < 8; i++)
            warm.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = i }));
        foreach (var id in warm)
            await system.WaitForTaskAsync(id, "Completed");

        agents[0].Pause(); // it cannot re-declare its queue: the next assignments for it reach no queue
        try
        {
            await system.Broker.DeleteQueueAsync(system.VirtualHost, EntityNames.AgentQueue("vanished"));
            var ids = new List<string>();
            for (var i = 0; i < 6; i++)
                ids.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = $"after {i}" }));

            foreach (var id in ids)
            {
                var task = await system.WaitForTaskAsync(id, "Completed");
                Assert.Equal("steady", task.AgentId);
            }
            // Sent straight from intake or from dispatch: either way the broker returned it and it was placed again.
            Assert.Contains("was returned by the broker (no queue), placing it again", system.Coordinator.Output);
        }
        finally
        {
            agents[0].Resume();
        }
    }
}
