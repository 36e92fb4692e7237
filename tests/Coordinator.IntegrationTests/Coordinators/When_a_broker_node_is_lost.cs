using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// A replicated broker: a three-node RabbitMQ cluster on loopback, quorum queues, and every host (two coordinators on one
/// PostgreSQL, the agents) given the cluster's node list. One node is stopped mid-load, then started again: the hosts move
/// to another node, the quorum queues keep what they held, and every accepted task completes. Run alone, after the parallel
/// tests (three more broker nodes on this machine).
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class When_a_broker_node_is_lost(BrokerCluster cluster, ITestOutputHelper output) : IClassFixture<BrokerCluster>
{
    [Fact]
    public async Task One_node_of_three_stopped_and_started_again_mid_load_loses_no_task()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, cluster: cluster);
        var owner = system.Coordinator;
        var standby = await system.StartCoordinatorAsync("standby");
        await system.StartActiveAgentsAsync(("replicated-1", ["--concurrency", "4"]), ("replicated-2", ["--concurrency", "4"]));
        foreach (var queue in new[] { "coordinator.intake", "coordinator.dispatch", "coordinator.task-results", "coordinator.heartbeats", "agent-replicated-1" })
            Assert.Equal("quorum", (await system.Broker.GetQueueAsync(system.VirtualHost, queue))?.Type);

        var load = new SteadyLoad("replicated", () => [system.ApiOf(owner), system.ApiOf(standby)], TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMinutes(3));
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= 50, TimeSpan.FromSeconds(30), "load under way", system.Diagnostics);

        // Node 1 is first in every host's list: every connection is on it when it stops.
        var before = load.Count;
        await cluster.StopNodeAsync(1);
        output.WriteLine($"node 1 stopped after {before} tasks");
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= before + 50, TimeSpan.FromSeconds(60),
            "load to go on with node 1 down", system.Diagnostics);
        await cluster.StartNodeAsync(1);
        before = load.Count;
        output.WriteLine($"node 1 started again after {before} tasks");
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= before + 50, TimeSpan.FromSeconds(60),
            "load to go on with node 1 back", system.Diagnostics);
        var ids = await load.StopAsync();
        output.WriteLine($"{ids.Count} tasks accepted; {load.Refused} submission(s) sent again");

        await Eventually.Until(async () => (await system.ApiOf(owner).TasksAsync()).Count(t => t.Status is not ("Completed" or "DeadLettered")),
            open => open == 0, TimeSpan.FromSeconds(90), $"all {ids.Count} tasks to end", system.Diagnostics);
        var tasks = (await system.ApiOf(owner).TasksAsync()).ToDictionary(t => t.TaskId);
        Assert.Equal(ids.Order(), tasks.Keys.Order());
        Assert.All(tasks.Values, t => Assert.Equal("Completed", t.Status));
        output.WriteLine($"every one Completed; {tasks.Values.Count(t => t.Attempts > 1)} moved to a second attempt");
        // The same coordinator owns the task path throughout: losing a broker node is not losing the owner.
        Assert.True((await system.ApiOf(owner).Http.GetAsync("/health/owner")).IsSuccessStatusCode);
        Assert.All(await system.ApiOf(owner).AgentsAsync(), a => Assert.Equal("Active", a.State));
    }
}
