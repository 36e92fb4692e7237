using System.Text.Json;
using System.Text.RegularExpressions;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>Progress and checkpoints on the real system: a long task's agent is killed with SIGKILL midway and another resumes it.</summary>
public sealed class When_a_task_checkpoints
{
    const int Steps = 60, StepMs = 200;

    [Fact]
    public async Task It_resumes_on_another_agent_after_a_kill_and_no_step_before_the_last_checkpoint_runs_twice()
    {
        await using var system = await TestSystem.StartAsync();
        await system.Broker.DeclareQueueAsync(system.VirtualHost, "test-task-events");
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.TaskEvents, "test-task-events");
        var first = (await system.StartActiveAgentsAsync(("first", ["--capabilities", "steps"])))[0];

        var taskId = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = Steps, stepMs = StepMs } });
        // Progress shows in the task while it runs; the checkpoint is stored with it.
        var midway = await Eventually.Until(() => system.Api.TaskAsync(taskId),
            t => t?.Progress is { } p && p.GetProperty("percent").GetDouble() >= 25, TimeSpan.FromSeconds(30), "a quarter done", system.Diagnostics);
        Assert.Equal("Running", midway!.Status);
        Assert.Matches(@"^step \d+ of 60$", midway.Progress!.Value.GetProperty("message").GetString());
        Assert.NotNull(midway.CheckpointAt);
        Assert.True(midway.Checkpoint!.Value.GetProperty("next").GetInt32() >= Steps / 4 - 1);

        // A second agent is there to take it over; the first is killed mid-step, at no step of its own choosing.
        await system.StartActiveAgentsAsync(("second", ["--capabilities", "steps"]));
        var runningFor = DateTimeOffset.UtcNow - midway.StartedAt!.Value;
        first.Kill();

        var done = await system.WaitForTaskAsync(taskId, "Completed");
        Assert.Equal("second", done.AgentId);
        Assert.Equal(2, done.Attempts);
        var result = done.Result!.Value;
        var resumedFrom = result.GetProperty("resumedFrom").GetInt32();
        Assert.Equal(2, result.GetProperty("attempt").GetInt32());

        // Count the steps: the first attempt's checkpoints say which steps it finished (one checkpoint per step); the second ran
        // from the last of them to the end. Nothing before the last checkpoint ran twice, and no step was skipped.
        var events = (await system.Broker.GetMessagesAsync(system.VirtualHost, "test-task-events", 1000))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .Where(e => e.GetProperty("message").TryGetProperty("taskId", out var id) && id.GetString() == taskId)
            .ToList();
        var checkpointsOfFirst = events.Where(e => IsType(e, nameof(TaskCheckpointed)) && e.GetProperty("message").GetProperty("attempt").GetInt32() == 1)
            .Select(e => e.GetProperty("message").GetProperty("checkpoint").GetProperty("next").GetInt32()).ToList();
        Assert.NotEmpty(checkpointsOfFirst);
        Assert.Equal(Enumerable.Range(1, checkpointsOfFirst.Count), checkpointsOfFirst.Order());
        Assert.Equal(checkpointsOfFirst.Max(), resumedFrom);
        Assert.True(resumedFrom >= Steps / 4 && resumedFrom < Steps, $"resumed from step {resumedFrom}");
        Assert.Equal(Steps - resumedFrom, result.GetProperty("ran").GetInt32());
        var checkpointsOfSecond = events.Count(e => IsType(e, nameof(TaskCheckpointed)) && e.GetProperty("message").GetProperty("attempt").GetInt32() == 2);
        Assert.Equal(Steps - resumedFrom, checkpointsOfSecond);

        // Progress was throttled on the agent (one report a second at most), while a checkpoint went out at every step.
        var progressOfFirst = events.Count(e => IsType(e, nameof(TaskProgress)) && e.GetProperty("message").GetProperty("attempt").GetInt32() == 1);
        Assert.InRange(progressOfFirst, 1, (int)Math.Ceiling(runningFor.TotalSeconds) + 2);
        Assert.True(checkpointsOfFirst.Count > progressOfFirst * 2, $"{checkpointsOfFirst.Count} checkpoints, {progressOfFirst} progress reports");
        // The finished task shows a checkpoint of the attempt that finished it (its very last may come after the result, and is then stale).
        var shown = await system.Api.TaskAsync(taskId);
        Assert.True(shown!.Checkpoint!.Value.GetProperty("next").GetInt32() > resumedFrom, $"shown checkpoint {shown.Checkpoint}");
    }

    [Fact]
    public async Task A_retry_after_the_handler_failed_resumes_from_the_checkpoint_it_saved_before_throwing()
    {
        await using var system = await TestSystem.StartAsync();
        await system.Broker.DeclareQueueAsync(system.VirtualHost, "test-task-events");
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.TaskEvents, "test-task-events");
        await system.StartActiveAgentsAsync(("one", ["--capabilities", "steps"]), ("other", ["--capabilities", "steps"]));

        // Attempt 1 checkpoints steps 1-5 and throws after the fifth; the retry goes to the other agent.
        var taskId = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = 12, stepMs = 100, failAfter = 5 } });
        var done = await system.WaitForTaskAsync(taskId, "Completed");
        Assert.Equal(2, done.Attempts);
        var result = done.Result!.Value;
        Assert.Equal((2, 5, 7), (result.GetProperty("attempt").GetInt32(), result.GetProperty("resumedFrom").GetInt32(), result.GetProperty("ran").GetInt32()));

        var events = await TaskEventsAsync(system, taskId);
        var failed = Assert.Single(events, e => IsType(e, nameof(TaskFailed)));
        Assert.Contains("failed on purpose after step 5", failed.GetProperty("message").GetProperty("error").GetString());
        // The failure carries its last checkpoint too, in case the coordinator reads it before the checkpoint's own event.
        Assert.Equal((5, 5), (failed.GetProperty("message").GetProperty("checkpointSequence").GetInt32(),
            failed.GetProperty("message").GetProperty("checkpoint").GetProperty("next").GetInt32()));
        Assert.Equal([1, 2, 3, 4, 5], CheckpointsOf(events, attempt: 1));
        Assert.Equal(Enumerable.Range(6, 7), CheckpointsOf(events, attempt: 2));
        var startedOn = events.Where(e => IsType(e, nameof(TaskStarted))).ToDictionary(
            e => e.GetProperty("message").GetProperty("attempt").GetInt32(), e => e.GetProperty("message").GetProperty("agentId").GetString());
        Assert.NotEqual(startedOn[1], startedOn[2]); // what it resumed from came through the coordinator, not the agent's memory
        Assert.Equal(startedOn[2], done.AgentId);
    }

    [Fact]
    public async Task A_task_moved_off_an_agent_that_drained_and_stopped_resumes_from_its_last_checkpoint()
    {
        await using var system = await TestSystem.StartAsync();
        await system.Broker.DeclareQueueAsync(system.VirtualHost, "test-task-events");
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.TaskEvents, "test-task-events");
        // It drains for a second when stopped, far less than the task needs: what it still runs then is moved.
        var leaving = system.StartAgentWith(new Dictionary<string, string> { ["Agent__DrainTimeout"] = "00:00:01" }, "leaving", "--capabilities", "steps");
        await system.WaitForStateAsync("leaving", "Active");

        var taskId = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = Steps, stepMs = StepMs } });
        await Eventually.Until(() => system.Api.TaskAsync(taskId), t => t?.Checkpoint is { } c && c.GetProperty("next").GetInt32() >= 5,
            TimeSpan.FromSeconds(30), "five steps checkpointed", system.Diagnostics);
        await system.StartActiveAgentsAsync(("staying", ["--capabilities", "steps"]));
        leaving.Terminate();
        Assert.Equal(0, await leaving.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var done = await system.WaitForTaskAsync(taskId, "Completed");
        Assert.Equal(("staying", 2), (done.AgentId, done.Attempts));
        var result = done.Result!.Value;
        var resumedFrom = result.GetProperty("resumedFrom").GetInt32();
        var events = await TaskEventsAsync(system, taskId);
        Assert.DoesNotContain(events, e => IsType(e, nameof(TaskFailed))); // moved, not failed: no failure counted against it
        var checkpointsOfFirst = CheckpointsOf(events, attempt: 1);
        Assert.Equal(Enumerable.Range(1, checkpointsOfFirst.Count), checkpointsOfFirst);
        Assert.True(resumedFrom >= 5, $"resumed from step {resumedFrom}");
        Assert.Equal(checkpointsOfFirst.Max(), resumedFrom);
        Assert.Equal(Steps - resumedFrom, result.GetProperty("ran").GetInt32());
        Assert.Equal(Enumerable.Range(resumedFrom + 1, Steps - resumedFrom), CheckpointsOf(events, attempt: 2));
        Assert.Contains("Agent leaving unregistered", leaving.Output); // it left gracefully, it was not found dead
    }

    static async Task<List<JsonElement>> TaskEventsAsync(TestSystem system, string taskId) =>
        (await system.Broker.GetMessagesAsync(system.VirtualHost, "test-task-events", 1000))
        .Select(m => JsonDocument.Parse(m.Payload).RootElement)
        .Where(e => e.GetProperty("message").TryGetProperty("taskId", out var id) && id.GetString() == taskId)
        .ToList();

    static List<int> CheckpointsOf(List<JsonElement> events, int attempt) =>
        events.Where(e => IsType(e, nameof(TaskCheckpointed)) && e.GetProperty("message").GetProperty("attempt").GetInt32() == attempt)
            .Select(e => e.GetProperty("message").GetProperty("checkpoint").GetProperty("next").GetInt32()).Order().ToList();

    [Fact]
    public async Task A_checkpoint_that_comes_only_with_the_failure_is_the_one_the_retry_resumes_from()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("first", ["--capabilities", "steps"]), ("second", ["--capabilities", "steps"]));
        await using var bus = await TestBus.StartAsync(system.VirtualHost);
        var taskId = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = Steps, stepMs = StepMs } });
        var running = await Eventually.Until(() => system.Api.TaskAsync(taskId), t => t?.Checkpoint is not null, TimeSpan.FromSeconds(30),
            "the first checkpoint stored", system.Diagnostics);

        // As if its TaskCheckpointed had not been read yet when the failure was: the attempt's last checkpoint (step 33 done, a
        // step it has not reached) arrives only inside its TaskFailed.
        await bus.PublishAsync(new TaskFailed
        {
            TaskId = taskId, AgentId = running!.AgentId!, Attempt = 1, Error = "failed with a checkpoint not yet read",
            Checkpoint = JsonSerializer.SerializeToElement(new { next = 33 }), CheckpointSequence = 1_000, Timestamp = DateTimeOffset.UtcNow,
        });

        var done = await system.WaitForTaskAsync(taskId, "Completed");
        var result = done.Result!.Value;
        Assert.Equal((2, 33, Steps - 33), (result.GetProperty("attempt").GetInt32(), result.GetProperty("resumedFrom").GetInt32(),
            result.GetProperty("ran").GetInt32()));
    }

    [Fact]
    public async Task An_oversized_checkpoint_or_progress_message_from_another_client_is_refused_naming_it_and_the_task_goes_on()
    {
        await using var system = await TestSystem.StartAsync();
        await system.StartActiveAgentsAsync(("steady", ["--capabilities", "steps"]));
        await using var bus = await TestBus.StartAsync(system.VirtualHost);
        var taskId = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = 40, stepMs = 200 } });
        var before = await Eventually.Until(() => system.Api.TaskAsync(taskId), t => t?.Checkpoint is not null && t.Progress is not null,
            TimeSpan.FromSeconds(30), "a checkpoint and progress stored", system.Diagnostics);

        // As the task's own agent and attempt, from a client that is not the SDK (which refuses both itself): a checkpoint
        // over Tasks:MaxCheckpointBytes and a progress message over 1,024 characters. Each would win if taken (the last
        // sequence there is, a time in the future), so the shown checkpoint and progress would stay theirs.
        var oversized = JsonSerializer.SerializeToElement(new { next = 0, pad = new string('x', 70_000) });
        await bus.PublishAsync(new TaskCheckpointed
        {
            TaskId = taskId, AgentId = "steady", Attempt = 1, Sequence = int.MaxValue, Checkpoint = oversized, Timestamp = DateTimeOffset.UtcNow,
        });
        await bus.PublishAsync(new TaskProgress
        {
            TaskId = taskId, AgentId = "steady", Attempt = 1, Percent = 1, Message = new string('m', 2_000), Timestamp = DateTimeOffset.UtcNow.AddHours(1),
        });
        var refusals = new Regex($@"Checkpoint of task {taskId} attempt 1 from agent steady refused: (\d+) bytes of JSON, the limit \(Tasks:MaxCheckpointBytes\) is 65536");
        var output = await Eventually.Until(() => Task.FromResult(system.Coordinator.Output), o => refusals.IsMatch(o) &&
                o.Contains($"Progress of task {taskId} attempt 1 from agent steady refused: its message has 2000 characters, the limit is 1024"),
            TimeSpan.FromSeconds(20), "both refusals logged with the task, the size and the limit", system.Diagnostics);
        Assert.InRange(int.Parse(refusals.Match(output).Groups[1].Value), 70_000, 71_000); // its size as it came (the serializer's spacing aside)
        var metrics = await system.Api.Http.GetStringAsync("/metrics");
        Assert.Contains("coordinator_task_reports_refused_total{report=\"checkpoint\",reason=\"oversized\"} 1", metrics);
        Assert.Contains("coordinator_task_reports_refused_total{report=\"progress\",reason=\"oversized\"} 1", metrics);

        // Nothing else is touched: the agent's own checkpoints and progress go on being stored, and the task completes in one attempt.
        var done = await system.WaitForTaskAsync(taskId, "Completed");
        Assert.Equal((1, 0), (done.Attempts, done.Result!.Value.GetProperty("resumedFrom").GetInt32()));
        var shown = (await system.Api.TaskAsync(taskId))!;
        Assert.False(shown.Checkpoint!.Value.TryGetProperty("pad", out _), "the oversized checkpoint was stored");
        Assert.True(shown.Checkpoint.Value.GetProperty("next").GetInt32() > before!.Checkpoint!.Value.GetProperty("next").GetInt32());
        Assert.Matches(@"^step \d+ of 40$", shown.Progress!.Value.GetProperty("message").GetString());
        Assert.True(shown.Progress.Value.GetProperty("percent").GetDouble() > before.Progress!.Value.GetProperty("percent").GetDouble());
    }

    static bool IsType(JsonElement envelope, string type) =>
        envelope.GetProperty("messageType").EnumerateArray().Any(t => t.GetString()!.EndsWith($":{type}", StringComparison.Ordinal));
}
