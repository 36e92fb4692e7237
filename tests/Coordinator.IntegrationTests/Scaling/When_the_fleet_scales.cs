using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Scaling;

/// <summary>The ScalingManager on real processes and the real broker: agents it starts, drains and stops itself.</summary>
public sealed class When_the_fleet_scales
{
    static int Current(JsonElement scaling) => scaling.GetProperty("current").GetInt32();

    static IEnumerable<JsonElement> Decisions(JsonElement scaling) => scaling.GetProperty("decisions").EnumerateArray();


    static async Task<string> BindEventsQueueAsync(TestSystem system)
    {
        const string queue = "test-agent-events";
        await system.Broker.DeclareQueueAsync(system.VirtualHost, queue);
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.AgentEvents, queue);
        return queue;
    }

    [Fact]
    public async Task A_backlog_from_any_amqp_client_grows_the_fleet_within_its_budget_and_an_idle_fleet_shrinks_back()
    {
        // Max 4, but the budget pays for 3 agents at 0.1/h.
        await using var system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(1, 4, more: ("Scaling__BudgetPerHour", "0.3")));
        var events = await BindEventsQueueAsync(system);
        await Eventually.Until(system.Api.ScalingAsync, s => s.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("state").GetString() == "Active"),
            TimeSpan.FromSeconds(60), "the minimum fleet of one Active agent", system.Diagnostics);

        // Plain JSON through the management HTTP API, as any AMQP client or the management UI would publish.
        var ids = Enumerable.Range(1, 36).Select(i => $"backlog-{i}").ToList();
        foreach (var id in ids)
            Assert.True(await system.Broker.PublishAsync(system.VirtualHost, EntityNames.Tasks,
                JsonSerializer.Serialize(new { taskId = id, taskType = "sleep", payload = new { ms = 1000 } })));

        var grown = await Eventually.Until(system.Api.ScalingAsync, s => Current(s) == 3, TimeSpan.FromSeconds(30),
            "the fleet to grow to the 3 agents its budget pays for", system.Diagnostics);
        foreach (var id in ids)
            Assert.Equal(1, (await system.WaitForTaskAsync(id, "Completed")).Attempts);
        var shrunk = await Eventually.Until(system.Api.ScalingAsync, s => Current(s) == 1 && s.GetProperty("agents").GetArrayLength() == 1,
            TimeSpan.FromSeconds(60), "the idle fleet to shrink back to its minimum", system.Diagnostics);

        Assert.True(Current(grown) <= 3, "never beyond what the budget pays for");
        Assert.False(shrunk.GetProperty("shouldScaleDown").GetProperty("yes").GetBoolean());
        Assert.Contains("at the minimum of 1 agent(s)", shrunk.GetProperty("shouldScaleDown").GetProperty("reason").GetString());
        Assert.False(shrunk.GetProperty("shouldScaleUp").GetProperty("yes").GetBoolean());
        Assert.StartsWith("no trigger", shrunk.GetProperty("shouldScaleUp").GetProperty("reason").GetString());
        var decisions = Decisions(shrunk).ToList();
        Assert.Contains(decisions, d => d.GetProperty("action").GetString() == "Up" && d.GetProperty("trigger").GetString() is "Backlog" or "WaitTime" or "Utilisation");
        Assert.True(decisions.Any(d => d.GetProperty("action").GetString() == "Hold" && d.GetProperty("reason").GetString()!.Contains("budget 0.3/h")),
            string.Join("\n", decisions.Select(d => $"{d.GetProperty("action")} {d.GetProperty("trigger")}: {d.GetProperty("reason")}")));
        var down = decisions.Where(d => d.GetProperty("action").GetString() == "Down").ToList();
        Assert.Equal(2, down.Sum(d => d.GetProperty("agentIds").GetArrayLength()));
        Assert.All(down, d => Assert.Equal("Idle", d.GetProperty("trigger").GetString()));
        foreach (var stopped in down.SelectMany(d => d.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()!)))
            await system.WaitForStateAsync(stopped, "Unregistered");
        // No task ran twice: each completed in its first attempt, and the list agrees.
        await Eventually.Until(async () => (await system.Api.TasksAsync("Completed")).Count, n => n == ids.Count, TimeSpan.FromSeconds(10),
            "every task listed Completed", system.Diagnostics);

        var published = (await system.Broker.GetMessagesAsync(system.VirtualHost, events, 500)).Select(m => m.Payload).ToList();
        Assert.Contains(published, p => p.Contains("urn:message:Coordinator.Contracts:AgentsScaledUp") && (p.Contains("Backlog") || p.Contains("WaitTime")));
        Assert.Contains(published, p => p.Contains("urn:message:Coordinator.Contracts:AgentsScaledDown") && p.Contains("Idle"));
    }

    [Fact]
    public async Task A_long_task_on_the_agent_chosen_to_go_completes_there_once_and_the_agent_stops_after_it()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(0, 1, concurrency: 4,
            more: [("Scaling__WaitTarget", "00:00:00.500"), ("Scaling__ScaleDownStabilization", "00:00:01")]));

        var id = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 8000 } });
        var running = await system.WaitForTaskAsync(id, "Running");
        // One of four slots busy, nothing waiting: idle by every measure, so the only agent is drained while its task runs.
        var drained = await Eventually.Until(system.Api.ScalingAsync, s => Decisions(s).Any(d => d.GetProperty("action").GetString() == "Down"),
            TimeSpan.FromSeconds(20), "the agent to be chosen for scale-down", system.Diagnostics);
        var decidedAt = Decisions(drained).First(d => d.GetProperty("action").GetString() == "Down").GetProperty("at").GetDateTimeOffset();
        await system.WaitForStateAsync(running.AgentId!, "Draining");

        var done = await system.WaitForTaskAsync(id, "Completed");
        var agent = await system.WaitForStateAsync(running.AgentId!, "Unregistered", TimeSpan.FromSeconds(40));

        Assert.True(decidedAt < done.FinishedAt, "the drain began while the task ran");
        Assert.Equal((running.AgentId, 1), (done.AgentId, done.Attempts));
        Assert.True(agent.UpdatedAt >= done.FinishedAt, $"the agent left at {agent.UpdatedAt:O}, before its task finished at {done.FinishedAt:O}");
        await Eventually.Until(() => Task.FromResult(Processes.Gone(agent.Metadata.ProcessId)), TimeSpan.FromSeconds(20), "the agent's process to end",
            system.Diagnostics);
    }

    [Fact]
    public async Task An_agent_killed_below_the_minimum_is_replaced_within_seconds()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(2, 3));
        var fleet = await Eventually.Until(system.Api.AgentsAsync, a => a.Count(x => x.State == "Active") == 2, TimeSpan.FromSeconds(60),
            "two Active agents", system.Diagnostics);
        var victim = fleet.First(a => a.State == "Active");

        var killedAt = DateTimeOffset.UtcNow;
        Process.GetProcessById(victim.Metadata.ProcessId).Kill();

        var replaced = await Eventually.Until(system.Api.AgentsAsync,
            a => a.Count(x => x.State == "Active" && x.AgentId != victim.AgentId) == 2, TimeSpan.FromSeconds(15),
            "a replacement Active", system.Diagnostics);
        var replacement = replaced.Single(a => a.State == "Active" && fleet.All(f => f.AgentId != a.AgentId));
        Assert.True(replacement.RegisteredAt - killedAt < TimeSpan.FromSeconds(10),
            $"the replacement was Active {(replacement.RegisteredAt - killedAt).TotalSeconds:0.0} s after the kill");
        var scaling = await system.Api.ScalingAsync();
        var decision = Decisions(scaling).First(d => d.GetProperty("action").GetString() == "Up" && d.GetProperty("trigger").GetString() == "AgentFailed");
        Assert.Contains(victim.AgentId, decision.GetProperty("reason").GetString());
        Assert.Equal(replacement.AgentId, decision.GetProperty("agentIds")[0].GetString());
        await system.WaitForStateAsync(victim.AgentId, "Failed");
        var id = await system.Api.SubmitAsync(new { taskType = "echo", payload = "served" });
        Assert.NotEqual(victim.AgentId, (await system.WaitForTaskAsync(id, "Completed")).AgentId);
    }

    [Fact]
    public async Task Work_needing_a_capability_starts_the_profile_offering_it_and_work_no_profile_offers_is_reported()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(1, 3, more:
        [
            ("Scaling__Profiles__1__Name", "gpu"),
            ("Scaling__Profiles__1__Capabilities", "echo,gpu"),
            ("Scaling__Profiles__1__Concurrency", "2"),
            ("Scaling__Profiles__1__CostPerHour", "2.5"),
        ]));
        await Eventually.Until(system.Api.AgentsAsync, a => a.Any(x => x.State == "Active"), TimeSpan.FromSeconds(60), "the minimum fleet", system.Diagnostics);
        // An agent started by hand offers what no profile does.
        await system.StartActiveAgentsAsync(("quantum-1", ["--capabilities", "sleep,quantum", "--concurrency", "1"]));

        var gpuTasks = new List<string>();
        for (var i = 0; i < 3; i++)
            gpuTasks.Add(await system.Api.SubmitAsync(new { taskType = "echo", requiredCapabilities = new[] { "gpu" }, payload = i }));
        for (var i = 0; i < 6; i++)
            await system.Api.SubmitAsync(new { taskType = "sleep", requiredCapabilities = new[] { "quantum" }, payload = new { ms = 1500 } });
        var (status, body) = await system.Api.PostTaskAsync(new { taskType = "echo", requiredCapabilities = new[] { "teleport" } });

        foreach (var id in gpuTasks)
            Assert.StartsWith("gpu-", (await system.WaitForTaskAsync(id, "Completed")).AgentId);
        var reported = await Eventually.Until(system.Api.ScalingAsync, s => s.GetProperty("unservableDemand").GetArrayLength() > 0,
            TimeSpan.FromSeconds(20), "the quantum backlog reported as unservable", system.Diagnostics);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no registered agent or agent profile offers 'teleport'", body.GetProperty("error").GetString());
        var unservable = reported.GetProperty("unservableDemand")[0];
        Assert.Equal("sleep", unservable.GetProperty("taskType").GetString());
        Assert.Equal("quantum", unservable.GetProperty("requiredCapabilities")[0].GetString());
        Assert.Contains("no agent profile can serve them", system.Coordinator.Output);
        // Nothing was started for the work no profile serves: the default profile still runs its one agent.
        Assert.Single(await system.Api.AgentsAsync(), a => a.AgentId.StartsWith("default-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provisioner_that_cannot_start_agents_backs_off_reports_it_and_keeps_checking()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(1, 2,
            more: [("Provisioning__AgentWorkerDll", "/nonexistent/AgentWorker.dll"), ("Scaling__StartRetryBackoff", "00:00:00.200"),
                ("Scaling__MaxStartRetryBackoff", "00:00:02")]));

        var failing = await Eventually.Until(system.Api.ScalingAsync,
            s => s.GetProperty("startFailures").EnumerateArray().Any(f => f.GetProperty("failuresInARow").GetInt32() >= 5),
            TimeSpan.FromSeconds(30), "five failed starts in a row", system.Diagnostics);

        var failure = failing.GetProperty("startFailures")[0];
        Assert.Equal("default", failure.GetProperty("profile").GetString());
        Assert.Contains("/nonexistent/AgentWorker.dll", failure.GetProperty("lastError").GetString());
        // Doubling from 0.2 s: the fifth failure in a row waits the 2 s cap before the next try, not one check.
        var backoff = failure.GetProperty("retryAt").GetDateTimeOffset() - failure.GetProperty("at").GetDateTimeOffset();
        Assert.InRange(backoff.TotalSeconds, 1.99, 2.01);
        Assert.Equal(0, Current(failing));
        // The checks go on meanwhile: a later one is seen, and the API answers.
        var checkedAt = failing.GetProperty("lastCheck").GetProperty("at").GetDateTimeOffset();
        await Eventually.Until(system.Api.ScalingAsync, s => s.GetProperty("lastCheck").GetProperty("at").GetDateTimeOffset() > checkedAt,
            TimeSpan.FromSeconds(10), "another check", system.Diagnostics);
    }

    [Fact]
    public async Task Operators_scale_by_hand_within_the_maximum_and_fleet_resources()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(1, 5,
            more: [("Resources__FleetCpuCores", "3"), ("Scaling__Profiles__0__CpuCores", "1"), ("Scaling__ScaleDownStabilization", "01:00:00")]));
        await Eventually.Until(system.Api.AgentsAsync, a => a.Count(x => x.State == "Active") == 1, TimeSpan.FromSeconds(60), "the minimum fleet",
            system.Diagnostics);

        var (upStatus, up) = await system.Api.ScaleAsync("up", new { count = 4 });
        var (badStatus, bad) = await system.Api.ScaleAsync("up", new { count = 0 });
        var (unknownStatus, unknown) = await system.Api.ScaleAsync("up", new { count = 1, profile = "nope" });

        Assert.Equal(HttpStatusCode.Accepted, upStatus);
        Assert.Equal(2, up.GetProperty("agentIds").GetArrayLength()); // 3 cores for the fleet, one each
        Assert.Contains("Resources:FleetCpuCores 3", up.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("count must be between 1 and MaxAgents (5), was 0", bad.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Contains("profile 'nope' is not configured", unknown.GetProperty("error").GetString());
        await Eventually.Until(system.Api.AgentsAsync, a => a.Count(x => x.State == "Active") == 3, TimeSpan.FromSeconds(30), "three Active agents",
            system.Diagnostics);

        var (downStatus, down) = await system.Api.ScaleAsync("down", new { count = 5 });
        Assert.Equal(HttpStatusCode.Accepted, downStatus);
        var stopped = down.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Equal(2, stopped.Count); // never below the minimum of one
        foreach (var id in stopped)
            await system.WaitForStateAsync(id, "Unregistered", TimeSpan.FromSeconds(40));
        Assert.Equal("Manual", Decisions(await system.Api.ScalingAsync()).First().GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task Scaling_by_hand_is_refused_while_scaling_is_off()
    {
        await using var system = await TestSystem.StartAsync();

        var (status, body) = await system.Api.ScaleAsync("up", new { count = 1 });
        var view = await system.Api.ScalingAsync();

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("scaling is disabled", body.GetProperty("error").GetString());
        Assert.False(view.GetProperty("enabled").GetBoolean());
    }
}
