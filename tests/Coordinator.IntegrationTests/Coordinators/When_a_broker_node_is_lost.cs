using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// A replicated broker: a three-node RabbitMQ cluster on loopback, quorum queues, and every host (two coordinators on one
/// PostgreSQL, the agents) given the cluster's node list. One node is stopped mid-load, then started again: the hosts move
/// to another node, the quorum queues keep what they held, and every accepted task completes in one attempt, its handler run
/// exactly once (as the agents' reports say, <see cref="FleetWatch"/>). A message the broker delivers again after a connection
/// moved (an assignment whose acknowledgement was lost, a result whose confirm was) is a duplicate the agent and the
/// coordinator each take once, never a second run. Run alone, after the parallel tests (three more broker nodes on this machine).
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class When_a_broker_node_is_lost(BrokerCluster cluster, ITestOutputHelper output) : IClassFixture<BrokerCluster>
{
    [Fact]
    public async Task One_node_of_three_stopped_and_started_again_mid_load_loses_no_task()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, cluster: cluster);
        await using var watch = await FleetWatch.StartAsync(system); // its queue a quorum queue too
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

        var tasks = await watch.AssertEveryTaskCompletedOnceAsync(system, system.ApiOf(owner), ids);
        output.WriteLine($"{tasks.Count} tasks, every one Completed in one attempt and run exactly once");
        output.WriteLine($"verdicts against agents meanwhile: {(watch.Verdicts.Count == 0 ? "none" : string.Join("; ", watch.Verdicts))}");
        // The same coordinator owns the task path throughout: losing a broker node is not losing the owner.
        Assert.True((await system.ApiOf(owner).Http.GetAsync("/health/owner")).IsSuccessStatusCode);
        Assert.All(await system.ApiOf(owner).AgentsAsync(), a => Assert.Equal("Active", a.State));
    }
}
