using System.Text.Json;
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

    static bool IsType(JsonElement envelope, string type) =>
        envelope.GetProperty("messageType").EnumerateArray().Any(t => t.GetString()!.EndsWith($":{type}", StringComparison.Ordinal));
}
