using System.Diagnostics;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Chaos;

/// <summary>
/// Chaos under steady load, bounded in time, run alone (after the parallel tests). Every accepted task
/// must end Completed exactly once (or DeadLettered with a reason); detection and recovery times are printed.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class Under_steady_load(ITestOutputHelper output)
{
    const int Tasks = 120;

    static async Task<List<string>> SubmitSteadilyAsync(TestSystem system, int count, TimeSpan every, Func<int, Task>? during = null)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 300 } }));
            if (during is not null)
                await during(i);
            await Task.Delay(every);
        }
        return ids;
    }

    async Task AssertEveryTaskEndedOnceAsync(TestSystem system, List<string> ids)
    {
        await Eventually.Until(async () => (await system.Api.TasksAsync()).Where(t => t.Status is not ("Completed" or "DeadLettered")).ToList(),
            open => open.Count == 0, TimeSpan.FromSeconds(60), $"all {ids.Count} tasks to end", system.Diagnostics);
        var tasks = (await system.Api.TasksAsync()).ToDictionary(t => t.TaskId);
        Assert.Equal(ids.Order(), tasks.Keys.Order());
        Assert.All(tasks.Values, t => Assert.True(t.Status == "Completed" || t.Reason is not null, $"{t} ended without a reason"));
        var recovery = (await system.Api.MetricsAsync()).GetProperty("recovery");
        output.WriteLine($"completed {tasks.Values.Count(t => t.Status == "Completed")}, dead-lettered {tasks.Values.Count(t => t.Status == "DeadLettered")}, " +
                         $"moved {tasks.Values.Count(t => t.Attempts > 1)}; recovery: {recovery}");
        // The coordinator's own account of each detection and recovery.
        foreach (var line in system.Coordinator.Output.Split('\n').Where(l => HealthLog.IsMatch(l)))
            output.WriteLine(line);
    }

    static readonly System.Text.RegularExpressions.Regex HealthLog =
        new(@"Broker|heartbeats|moved back|suspect|consumer", System.Text.RegularExpressions.RegexOptions.Compiled);

    [Fact]
    public async Task Agents_killed_every_few_seconds_lose_no_task()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Provisioning__Enabled"] = "true",
            ["Provisioning__Agents__0__AgentId"] = "chaos-1",
            ["Provisioning__Agents__1__AgentId"] = "chaos-2",
            ["Provisioning__Agents__2__AgentId"] = "chaos-3",
            ["Provisioning__RestartBackoff"] = "00:00:00.200",
            ["Coordinator__MaxRetries"] = "10",
        });
        var random = new Random(42);
        try
        {
            foreach (var id in new[] { "chaos-1", "chaos-2", "chaos-3" })
                await system.WaitForStateAsync(id, "Active", TimeSpan.FromSeconds(60));

            var ids = await SubmitSteadilyAsync(system, Tasks, TimeSpan.FromMilliseconds(50), async i =>
            {
                if (i % 30 != 29)
                    return;
                var victim = $"chaos-{random.Next(1, 4)}";
                var agent = await system.Api.AgentAsync(victim);
                output.WriteLine($"kill -9 {victim} (pid {agent!.Metadata.ProcessId}) after {i + 1} submissions");
                try { Process.GetProcessById(agent.Metadata.ProcessId).Kill(); } catch (ArgumentException) { }
            });

            await AssertEveryTaskEndedOnceAsync(system, ids);
        }
        finally
        {
            system.Coordinator.Terminate();
            await system.Coordinator.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task The_coordinator_killed_and_restarted_mid_load_loses_no_task()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("steady-1", []), ("steady-2", []));

        var ids = await SubmitSteadilyAsync(system, Tasks / 2, TimeSpan.FromMilliseconds(50));
        system.Coordinator.Kill();
        var restartedAt = Stopwatch.StartNew();
        await system.StartCoordinatorAsync("coordinator (restarted)");
        output.WriteLine($"coordinator back in {restartedAt.Elapsed.TotalSeconds:0.0} s");
        ids.AddRange(await SubmitSteadilyAsync(system, Tasks / 2, TimeSpan.FromMilliseconds(50)));

        await AssertEveryTaskEndedOnceAsync(system, ids);
    }

    [Fact]
    public async Task The_broker_restarted_mid_load_loses_no_task()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("weathered-1", []), ("weathered-2", []));
        Task? outage = null;
        var brokerDown = false;
        // The broker stays down until a submission has met the outage (a 503), at most 15 s: stopping it can take longer
        // than the rest of the submissions, which then never meet it (a run once ended so, testing nothing).
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refusedSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var ids = new List<string>();
            var refused = 0;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Tasks / 2; i++)
            {
                var id = $"through-outage-{i}";
                refused += await SubmitUntilAcceptedAsync(system, id, () => refusedSeen.TrySetResult());
                ids.Add(id);
                if (i == 15)
                {
                    brokerDown = true;
                    outage = RestartBrokerAsync();
                    await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));
                }
                await Task.Delay(50);
            }
            await outage!;
            brokerDown = false;
            output.WriteLine($"{ids.Count} tasks accepted in {clock.Elapsed.TotalSeconds:0.0} s; {refused} submission(s) answered 503 during the outage and sent again");

            await AssertEveryTaskEndedOnceAsync(system, ids);
            Assert.True(refused > 0, "no submission met the outage: the test did not test it");
            // Both agents consume from their queues again (an agent heartbeating without a consumer is not Active).
            await system.WaitForStateAsync("weathered-1", "Active", TimeSpan.FromSeconds(30));
            await system.WaitForStateAsync("weathered-2", "Active", TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (brokerDown)
            {
                if (outage is not null)
                    await Task.WhenAny(outage, Task.Delay(TimeSpan.FromSeconds(60)));
                await BrokerOutage.StartAsync();
            }
        }

        async Task RestartBrokerAsync()
        {
            var down = Stopwatch.StartNew();
            await BrokerOutage.StopAsync();
            stopped.TrySetResult();
            await Task.WhenAny(refusedSeen.Task, Task.Delay(TimeSpan.FromSeconds(15))); // the outage itself
            await BrokerOutage.StartAsync();
            output.WriteLine($"broker stopped and started again: {down.Elapsed.TotalSeconds:0.0} s down");
        }
    }

    /// <summary>Submits with a client-chosen id, sending it again on 503 (safe: an id is accepted once); returns how many 503s it took.</summary>
    static async Task<int> SubmitUntilAcceptedAsync(TestSystem system, string taskId, Action? onRefused = null)
    {
        var deadline = Stopwatch.StartNew();
        for (var refusals = 0; ; refusals++)
        {
            try
            {
                var (status, body) = await system.Api.PostTaskAsync(new { taskId, taskType = "sleep", payload = new { ms = 300 } });
                if (status == System.Net.HttpStatusCode.Accepted)
                    return refusals;
                if (status != System.Net.HttpStatusCode.ServiceUnavailable)
                    throw new InvalidOperationException($"task {taskId} refused: {(int)status} {body}");
                onRefused?.Invoke();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // the coordinator's HTTP side is busy reconnecting; try again
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
                throw new TimeoutException($"task {taskId} not accepted within 90 s ({refusals} refusals)");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task An_agent_stopped_past_its_timeout_then_resumed_loses_no_task()
    {
        await using var system = await TestSystem.StartAsync();
        var agents = await system.StartActiveAgentsAsync(("paused", []), ("awake", []));

        var ids = await SubmitSteadilyAsync(system, Tasks / 2, TimeSpan.FromMilliseconds(50), async i =>
        {
            if (i != 10)
                return;
            agents[0].Pause();
            await system.WaitForStateAsync("paused", "Failed", TimeSpan.FromSeconds(15));
            agents[0].Resume();
        });

        await AssertEveryTaskEndedOnceAsync(system, ids);
        await system.WaitForStateAsync("paused", "Active", TimeSpan.FromSeconds(30));
    }
}
