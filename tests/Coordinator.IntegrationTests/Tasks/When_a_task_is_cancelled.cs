using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>POST /api/tasks/{id}/cancel on the real system: final and fenced, whether the task waits, runs, or sits in the backlog across a restart.</summary>
public sealed class When_a_task_is_cancelled
{
    static async Task<(HttpStatusCode Status, JsonElement Body)> CancelAsync(TestSystem system, string taskId, string? reason = null)
    {
        using var response = await system.Api.Http.PostAsJsonAsync($"/api/tasks/{Uri.EscapeDataString(taskId)}/cancel", new { reason });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task A_waiting_task_never_starts_a_running_one_is_stopped_and_what_its_agent_reports_afterwards_is_ignored()
    {
        await using var system = await TestSystem.StartAsync();
        await system.Broker.DeclareQueueAsync(system.VirtualHost, "test-task-events");
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.TaskEvents, "test-task-events");
        var agent = (await system.StartActiveAgentsAsync(("single", ["--concurrency", "1"])))[0];

        // One slot and a buffer of two: the sleep runs, two tasks are held on the agent, the fourth waits in the coordinator.
        var running = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 30_000 } });
        await system.WaitForTaskAsync(running, "Running");
        var held = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { never = true } });
        var heldToo = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } });
        var waiting = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { never = true } });
        await Eventually.Until(() => system.Api.TaskAsync(heldToo), t => t?.Status == "Assigned", TimeSpan.FromSeconds(10), "two tasks held on the agent");
        Assert.Equal("Pending", (await system.Api.TaskAsync(waiting))!.Status);

        // Waiting in the coordinator: cancelled at once, never assigned.
        var (status, body) = await CancelAsync(system, waiting, "not needed any more");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("Cancelled", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("agentId").ValueKind);

        // Held on the agent, not started: taken back, and the agent drops it.
        (status, body) = await CancelAsync(system, held, "not needed either");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("single", body.GetProperty("agentId").GetString());
        await Eventually.Until(() => Task.FromResult(agent.Output), o => o.Contains($"Task {held} attempt 1 cancelled by the coordinator (not needed either): it had not started and never will"),
            TimeSpan.FromSeconds(10), "the agent to drop the held assignment", system.Diagnostics);

        // Running: its agent is told, the handler stops, and the task ends Cancelled with the reason given, as the answer says.
        (status, body) = await CancelAsync(system, running, "  superseded by a newer upload ");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("single", body.GetProperty("agentId").GetString());
        Assert.Equal("cancelled: superseded by a newer upload", body.GetProperty("reason").GetString());
        var stopped = await system.WaitForTaskAsync(running, "Cancelled");
        Assert.Equal("cancelled: superseded by a newer upload", stopped.Reason);
        await Eventually.Until(() => Task.FromResult(agent.Output), o => o.Contains($"Task {running} attempt 1 cancelled by the coordinator (superseded by a newer upload)"),
            TimeSpan.FromSeconds(10), "the agent to be told the reason", system.Diagnostics);
        await Eventually.Until(() => Task.FromResult(agent.Output), o => o.Contains($"Task {running} attempt 1: its handler stopped"),
            TimeSpan.FromSeconds(10), "the agent's handler to stop", system.Diagnostics);
        await Eventually.Until(() => Task.FromResult(system.Coordinator.Output), o => o.Contains($"Stale failure for task {running} attempt 1"),
            TimeSpan.FromSeconds(10), "the agent's late report to be ignored and logged", system.Diagnostics);
        // A late success for the cancelled attempt, from its own agent (a handler that finished as the cancel went out): stale too.
        await using (var bus = await TestBus.StartAsync(system.VirtualHost))
            await bus.PublishAsync(new TaskCompleted
            {
                TaskId = running, AgentId = "single", Attempt = 1, Result = JsonSerializer.SerializeToElement(new { late = true }), DurationMs = 30_000,
                Timestamp = DateTimeOffset.UtcNow,
            });
        await Eventually.Until(() => Task.FromResult(system.Coordinator.Output), o => o.Contains($"Stale result for task {running} attempt 1 from agent single"),
            TimeSpan.FromSeconds(10), "the late result to be ignored and logged", system.Diagnostics);

        // The slot is free again: the task held beside them runs, and the cancelled ones never have.
        await system.WaitForTaskAsync(heldToo, "Completed");
        var after = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } });
        await system.WaitForTaskAsync(after, "Completed");
        foreach (var (id, reason) in new[] { (waiting, "cancelled: not needed any more"), (held, "cancelled: not needed either") })
        {
            var never = await system.Api.TaskAsync(id);
            Assert.Equal("Cancelled", never!.Status);
            Assert.Equal(reason, never.Reason);
            Assert.Null(never.StartedAt);
        }
        Assert.Null((await system.Api.TaskAsync(waiting))!.AssignedAt);
        var afterwards = (await system.Api.TaskAsync(running))!; // neither the agent's failure report nor the late result changed anything
        Assert.Equal(("Cancelled", "cancelled: superseded by a newer upload"), (afterwards.Status, afterwards.Reason));
        Assert.Null(afterwards.Result);

        // Final: a second cancel, or one of a completed task, is refused with its status; an unknown id is 404.
        (status, body) = await CancelAsync(system, running, "again");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Cancelled", body.GetProperty("status").GetString());
        Assert.Equal("cancelled: superseded by a newer upload", body.GetProperty("reason").GetString());
        (status, body) = await CancelAsync(system, after);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("is Completed", body.GetProperty("error").GetString());
        (status, body) = await CancelAsync(system, "no-such-task");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("not found", body.GetProperty("error").GetString());

        var events = await Eventually.Until(async () => await system.Broker.GetMessagesAsync(system.VirtualHost, "test-task-events", 500),
            m => m.Count(x => x.Payload.Contains("TaskCancelled")) >= 3, TimeSpan.FromSeconds(10), "TaskCancelled published for each");
        Assert.Contains(events, m => m.Payload.Contains("TaskCancelled") && m.Payload.Contains(waiting));
        Assert.Contains(events, m => m.Payload.Contains("TaskCancelled") && m.Payload.Contains(running));
    }

    [Fact]
    public async Task A_task_cancelled_in_the_backlog_stays_cancelled_across_a_coordinator_restart_even_with_a_copy_left_in_the_queue()
    {
        await using var system = await TestSystem.StartAsync();
        // No agent yet: both wait.
        var queued = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } });
        var kept = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } });
        Assert.Equal(HttpStatusCode.Accepted, (await CancelAsync(system, queued, "changed my mind")).Status);

        system.Coordinator.Kill();
        await system.StartCoordinatorAsync("coordinator (restarted)");
        // A copy of the cancelled task left in the backlog (a redelivery after a crash, a requeued wait): dropped, never run.
        await using var bus = await TestBus.StartAsync(system.VirtualHost);
        // (Through the exchange the coordinator itself sends the backlog to: declaring the priority queue again would fail.)
        await bus.SendAsync(new Uri($"exchange:{EntityNames.DispatchQueue}"),
            new DispatchTask { TaskId = queued, TaskType = "echo", Attempt = 1, SubmittedAt = DateTimeOffset.UtcNow }).WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.Until(() => Task.FromResult(system.Coordinator.Output), o => o.Contains($"Task {queued} attempt 1 dropped from the backlog: the task was cancelled"),
            TimeSpan.FromSeconds(20), "the copy to be dropped", system.Diagnostics);
        await system.StartActiveAgentsAsync(("late", []));

        await system.WaitForTaskAsync(kept, "Completed");
        var cancelled = await system.Api.TaskAsync(queued);
        Assert.Equal("Cancelled", cancelled!.Status);
        Assert.Equal("cancelled: changed my mind", cancelled.Reason);
        Assert.Null(cancelled.AssignedAt);
    }
}
