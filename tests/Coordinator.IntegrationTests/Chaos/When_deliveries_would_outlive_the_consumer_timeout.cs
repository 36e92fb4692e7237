using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Chaos;

/// <summary>
/// RabbitMQ closes a channel whose delivery stays unacknowledged past its consumer_timeout (30 min by default) and delivers
/// the message again. Here the timeout is 5 s and the work lasts past the broker's once-a-minute check: a task that runs
/// 75 s, and one that waits 75 s for room on the agent, each run exactly once, in one attempt.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class When_deliveries_would_outlive_the_consumer_timeout
{
    [Fact]
    public async Task A_long_task_and_a_long_wait_each_run_once_in_one_attempt()
    {
        await using var timeout = await ConsumerTimeout.LowerAsync(TimeSpan.FromSeconds(5));
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__DispatchHoldLimit"] = "00:00:03" });
        var agent = (await system.StartActiveAgentsAsync(("one-core", ["--cpu", "1", "--concurrency", "2"])))[0];
        var instance = (await system.Api.AgentAsync("one-core"))!.InstanceId;

        // Both need the agent's only core: the second waits in the dispatcher until the first is done.
        var running = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 75_000 }, resources = new { cpuCores = 1 } });
        await system.WaitForTaskAsync(running, "Running");
        var waiting = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 100 }, resources = new { cpuCores = 1 } });

        var first = await Eventually.Until(() => system.Api.TaskAsync(running), t => t?.Status == "Completed", TimeSpan.FromSeconds(120),
            "the long task to complete", system.Diagnostics);
        var second = await system.WaitForTaskAsync(waiting, "Completed");

        Assert.Equal(1, first!.Attempts);
        Assert.True(first.FinishedAt - first.StartedAt >= TimeSpan.FromSeconds(75), $"{first} ran in one go");
        Assert.Equal(1, second.Attempts);
        Assert.True(second.StartedAt >= first.FinishedAt, "the second waited for the core");
        Assert.Equal(0, (await system.Broker.GetQueueAsync(system.VirtualHost, "coordinator.dispatch_error"))?.Messages ?? 0);
        // The deduplication would hide a redelivery from the ledger: the broker's own word is that it closed no channel.
        Assert.Empty(await ConsumerTimeout.ClosedChannelsAsync(system.VirtualHost));
        Assert.DoesNotContain("evicted", agent.Output);
        Assert.Equal(("Active", instance), ((await system.Api.AgentAsync("one-core"))!.State, (await system.Api.AgentAsync("one-core"))!.InstanceId));
    }
}
