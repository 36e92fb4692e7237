using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>Each strategy's choices, observed on real agents through the ledger.</summary>
public sealed class When_tasks_are_placed
{
    static async Task<TestSystem> SystemWith(string strategy, params (string Id, string[] Arguments)[] agents)
    {
        var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Coordinator__LoadBalancingStrategy"] = strategy,
            ["Coordinator__MaxRetries"] = "1",
        });
        await system.StartActiveAgentsAsync(agents);
        return system;
    }

    /// <summary>Runs tasks one after another, each to the end, and returns where each ran.</summary>
    static async Task<List<string>> RunOneByOne(TestSystem system, int count, object task)
    {
        var placed = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = await system.Api.SubmitAsync(task);
            placed.Add((await system.WaitForTaskAsync(id, "Completed")).AgentId!);
        }
        return placed;
    }

    [Fact]
    public async Task Round_robin_takes_each_agent_in_turn()
    {
        await using var system = await SystemWith("RoundRobin", ("rr-a", []), ("rr-b", []), ("rr-c", []));

        var placed = await RunOneByOne(system, 6, new { taskType = "echo" });

        Assert.Equal(2, placed.Count(a => a == "rr-a"));
        Assert.Equal(2, placed.Count(a => a == "rr-b"));
        Assert.Equal(2, placed.Count(a => a == "rr-c"));
        Assert.All(placed.Zip(placed.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task Least_connections_avoids_the_busy_agent()
    {
        await using var system = await SystemWith("LeastConnections", ("lc-a", []), ("lc-b", []));
        var busy = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 30_000 } });
        var busyAgent = (await system.WaitForTaskAsync(busy, "Running")).AgentId;

        var placed = await RunOneByOne(system, 4, new { taskType = "echo" });

        Assert.True(placed.All(agent => agent != busyAgent), $"busy {busyAgent}, placed on {string.Join(", ", placed)}\n{await system.Api.MetricsAsync()}\n{system.Diagnostics()}");
    }

    [Fact]
    public async Task Resource_based_prefers_the_agent_with_the_most_headroom()
    {
        await using var system = await SystemWith("ResourceBased",
            ("rb-big", ["--concurrency", "16"]), ("rb-small", ["--concurrency", "1"]));

        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 30_000 } }));
        var placed = new List<string>();
        foreach (var id in ids)
            placed.Add((await system.WaitForTaskAsync(id, "Assigned", "Running")).AgentId!);

        // Utilisation is the highest of slots in use (in flight over concurrency + buffer 2) and measured CPU:
        // big goes 0, .06, .11, .17 while small is .33 after one task, so big takes at least three of four
        // whatever the agents' measured CPU (under a third) says. Least connections would split them 2 and 2.
        Assert.True(placed.Count(a => a == "rb-big") >= 3, $"placed on {string.Join(", ", placed)}");
    }

    [Fact]
    public async Task Capability_based_sends_work_to_the_most_specific_agent()
    {
        await using var system = await SystemWith("CapabilityBased",
            ("generalist", ["--capabilities", "echo,sleep,compute,fail,gpu"]), ("specialist", ["--capabilities", "echo"]));

        var echoes = await RunOneByOne(system, 4, new { taskType = "echo" });
        var sleeps = await RunOneByOne(system, 2, new { taskType = "sleep", payload = new { ms = 1 } });

        Assert.All(echoes, agent => Assert.Equal("specialist", agent));
        Assert.All(sleeps, agent => Assert.Equal("generalist", agent));
    }

    [Fact]
    public async Task Weighted_prefers_the_agent_with_the_better_record()
    {
        await using var system = await SystemWith("Weighted",
            ("flaky", ["--capabilities", "echo,fail"]), ("steady", ["--capabilities", "echo"]));
        for (var i = 0; i < 4; i++)
        {
            var failing = await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "bad luck" } });
            Assert.Equal("flaky", (await system.WaitForTaskAsync(failing, "DeadLettered")).AgentId);
        }

        var placed = await RunOneByOne(system, 5, new { taskType = "echo" });

        Assert.All(placed, agent => Assert.Equal("steady", agent));
    }

    [Fact]
    public async Task Capabilities_route_tasks_and_resources_are_never_overcommitted()
    {
        await using var system = await SystemWith("LeastConnections",
            ("gpu-box", ["--capabilities", "echo,sleep,gpu", "--cpu", "2", "--concurrency", "8"]),
            ("cpu-box", ["--capabilities", "echo,sleep", "--cpu", "8", "--concurrency", "8"]));

        var gpuTasks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            gpuTasks.Add(await system.Api.SubmitAsync(new
            {
                taskType = "sleep",
                requiredCapabilities = new[] { "gpu" },
                payload = new { ms = 1500 },
                resources = new { cpuCores = 1 },
            }));
        }
        var done = new List<TaskDto>();
        foreach (var id in gpuTasks)
            done.Add(await system.WaitForTaskAsync(id, "Completed"));

        Assert.All(done, t => Assert.Equal("gpu-box", t.AgentId));
        // 2 cores, 1 core each: never more than two of them running at once (counted at every start).
        foreach (var task in done)
        {
            var running = done.Count(o => o.StartedAt <= task.StartedAt && o.FinishedAt > task.StartedAt);
            Assert.True(running <= 2, $"{running} tasks running when {task.TaskId} started: {string.Join(", ", done.Select(d => $"{d.StartedAt:ss.fff}-{d.FinishedAt:ss.fff}"))}");
        }
        var metrics = await system.Api.MetricsAsync();
        Assert.Equal(0, metrics.GetProperty("resources").GetProperty("reservations").GetInt32());
    }
}
