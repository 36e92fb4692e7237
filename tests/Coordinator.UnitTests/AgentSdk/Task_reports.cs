using System.Text.Json;
using Coordinator.AgentWorker.Sdk;
using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.AgentSdk;

/// <summary>What a handler's context sends: throttled progress (the latest wins), confirmed and numbered checkpoints, bounded sizes.</summary>
public class Task_reports
{
    readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
    readonly AgentOptions _options = new() { ProgressInterval = TimeSpan.FromSeconds(1), MaxCheckpointBytes = 64 };
    readonly (MassTransit.IPublishEndpoint Endpoint, RecordingPublisher Recorder) _publisher = RecordingPublisher.Create();

    TaskReports Reports() => new(new TaskRun("t1", "steps", 3, null, null), "agent-a", _publisher.Endpoint, _options, _time, NullLogger.Instance);

    TaskContext Context(TaskReports reports, JsonElement? checkpoint = null) =>
        new("t1", "steps", 3, null, DateTimeOffset.MaxValue, "/tmp/t1", checkpoint, reports);

    List<TaskProgress> Progress() => _publisher.Recorder.Published.OfType<TaskProgress>().ToList();

    [Fact]
    public async Task Progress_goes_out_at_once_then_at_most_once_an_interval_with_the_latest_value()
    {
        using var reports = Reports();
        var context = Context(reports);
        for (var i = 1; i <= 10; i++)
            context.ReportProgress(i * 10, $"step {i}");
        await Eventually(() => Progress().Count == 1);
        Assert.Equal((10, "step 1"), (Progress()[0].Percent, Progress()[0].Message));

        _time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Yield();
        Assert.Single(Progress()); // not before the interval is up
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually(() => Progress().Count == 2);
        Assert.Equal((100, "step 10"), (Progress()[1].Percent, Progress()[1].Message)); // the latest, the ones between dropped
        Assert.All(Progress(), p => Assert.Equal(("t1", "agent-a", 3), (p.TaskId, p.AgentId, p.Attempt)));
    }

    [Fact]
    public async Task Progress_still_due_when_the_run_ends_is_dropped()
    {
        var reports = Reports();
        var context = Context(reports);
        context.ReportProgress(10);
        await Eventually(() => Progress().Count == 1);
        context.ReportProgress(20);
        reports.Dispose();
        _time.Advance(TimeSpan.FromSeconds(5));
        await Task.Yield();
        Assert.Single(Progress());
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(100.5, null)]
    [InlineData(double.NaN, null)]
    [InlineData(50, 1025)]
    public void Bad_progress_is_refused_to_the_handler_naming_the_problem(double percent, int? messageLength)
    {
        using var reports = Reports();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Context(reports).ReportProgress(percent, messageLength is { } n ? new string('x', n) : null));
        Assert.Matches(messageLength is null ? "percent from 0 to 100" : "at most 1024 characters; this one has 1025", error.Message);
        Assert.Empty(Progress());
    }

    [Fact]
    public async Task Checkpoints_are_numbered_kept_in_the_context_and_an_oversized_one_is_refused_naming_the_limit()
    {
        using var reports = Reports();
        var context = Context(reports, JsonSerializer.SerializeToElement(new { next = 4 }));
        Assert.Equal(4, context.CheckpointAs<Dictionary<string, int>>()!["next"]);

        await context.SaveCheckpointAsync(new { next = 5 });
        await context.SaveCheckpointAsync(new { next = 6 });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.SaveCheckpointAsync(new { next = 7, padding = new string('x', 64) }));
        Assert.Contains("the limit (Agent:MaxCheckpointBytes) is 64", error.Message);

        var saved = _publisher.Recorder.Published.OfType<TaskCheckpointed>().ToList();
        Assert.Equal([1, 2], saved.Select(c => c.Sequence));
        Assert.Equal([5, 6], saved.Select(c => c.Checkpoint.GetProperty("next").GetInt32()));
        Assert.Equal(6, context.Checkpoint!.Value.GetProperty("next").GetInt32()); // the refused one changed nothing
    }

    [Fact]
    public void A_first_attempt_has_no_checkpoint()
    {
        using var reports = Reports();
        Assert.Null(Context(reports).CheckpointAs<Dictionary<string, int>>());
    }

    static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(5);
        }
    }
}
