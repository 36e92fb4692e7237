using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_work_backs_up_or_fails
{
    [Fact]
    public async Task A_later_task_of_higher_priority_starts_before_waiting_lower_ones()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__AgentQueueBuffer"] = "0" });
        await system.StartActiveAgentsAsync(("single", ["--concurrency", "1"]));
        var blocker = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 1500 } });
        await system.WaitForTaskAsync(blocker, "Running");

        var low = new List<string>();
        for (var i = 0; i < 3; i++)
            low.Add(await system.Api.SubmitAsync(new { taskType = "echo", priority = 1 }));
        var high = await system.Api.SubmitAsync(new { taskType = "echo", priority = 9 });

        var highDone = await system.WaitForTaskAsync(high, "Completed");
        foreach (var id in low)
        {
            var lowDone = await system.WaitForTaskAsync(id, "Completed");
            Assert.True(highDone.StartedAt < lowDone.StartedAt,
                $"priority 9 started {highDone.StartedAt:HH:mm:ss.fff}, priority 1 task {id} started {lowDone.StartedAt:HH:mm:ss.fff}");
        }
    }

    [Fact]
    public async Task An_agent_never_holds_more_than_its_concurrency_plus_the_buffer()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__AgentQueueBuffer"] = "1" });
        await system.StartActiveAgentsAsync(("bounded", ["--concurrency", "2"]));

        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 20_000 } }));

        // 2 running + 1 buffered on the agent; the other 7 wait centrally.
        await Eventually.Until(async () => (await system.Api.TasksAsync()).Count(t => t.Status is "Assigned" or "Running"), n => n == 3,
            TimeSpan.FromSeconds(20), "three tasks on the agent");
        var queue = await system.Broker.GetQueueAsync(system.VirtualHost, "agent-bounded");
        Assert.True(queue!.Messages <= 1, $"{queue.Messages} assignments ready in agent-bounded");
        var metrics = await system.Api.MetricsAsync();
        Assert.Equal(3, metrics.GetProperty("inFlight").GetInt32());
        Assert.Equal(7, metrics.GetProperty("tasks").GetProperty("Pending").GetInt32());
    }

    [Fact]
    public async Task Tasks_wait_without_agents_and_run_when_one_arrives()
    {
        await using var system = await TestSystem.StartAsync();
        var id = await system.Api.SubmitAsync(new { taskType = "echo", payload = "patience" });
        Assert.Equal("Pending", (await system.Api.TaskAsync(id))!.Status);

        await system.StartActiveAgentsAsync(("late", []));

        Assert.Equal("\"patience\"", (await system.WaitForTaskAsync(id, "Completed")).Result!.Value.GetRawText());
    }

    [Fact]
    public async Task A_failing_task_is_retried_elsewhere_then_dead_lettered_with_the_reason()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "3" });
        await system.StartActiveAgentsAsync(("retry-a", []), ("retry-b", []));
        await using var bus = await TestBus.StartAsync(system.VirtualHost);

        var id = await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "always broken" } });

        var task = await system.WaitForTaskAsync(id, "DeadLettered");
        Assert.Equal(3, task.Attempts);
        Assert.Equal("failed 3 attempt(s); last error: InvalidOperationException: always broken", task.Reason);
        var log = system.Coordinator.Output;
        Assert.Contains($"Task {id} attempt 1 failed on", log);
        Assert.Contains($"Task {id} attempt 2 failed on", log);
    }

    [Fact]
    public async Task A_task_past_its_deadline_ends_timed_out()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("slowpoke", []));

        var id = await system.Api.SubmitAsync(new
        {
            taskType = "sleep",
            payload = new { ms = 30_000 },
            deadline = DateTimeOffset.UtcNow.AddSeconds(2),
        });

        var task = await system.WaitForTaskAsync(id, "TimedOut");
        Assert.Contains("timed out", task.Error);
        Assert.True(task.FinishedAt - task.StartedAt < TimeSpan.FromSeconds(10), "the handler was cancelled at the deadline, not left to run");
    }

    [Fact]
    public async Task A_handler_that_ignores_cancellation_fails_its_task_alone_at_the_deadline_and_frees_its_slot()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("stubborn", ["--concurrency", "1"]));

        var hung = await system.Api.SubmitAsync(new
        {
            taskType = "sleep",
            payload = new { ms = 600_000, ignoreCancellation = true },
            deadline = DateTimeOffset.UtcNow.AddSeconds(2),
        });
        var next = await system.Api.SubmitAsync(new { taskType = "echo", payload = "after" });

        var timedOut = await system.WaitForTaskAsync(hung, "TimedOut");
        Assert.Contains("timed out", timedOut.Error);
        var done = await system.WaitForTaskAsync(next, "Completed"); // the only slot was given back
        Assert.Equal("stubborn", done.AgentId);
        Assert.Contains($"Task {hung} attempt 1: the sleep handler did not stop when cancelled", system.Diagnostics());
    }
}
