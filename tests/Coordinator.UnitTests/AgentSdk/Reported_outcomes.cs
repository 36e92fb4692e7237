using System.Text.Json;
using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;

namespace Coordinator.UnitTests.AgentSdk;

/// <summary>
/// What an agent remembers of the outcomes it reported, to report again when an attempt it has run arrives again (a new owner
/// that dropped the first report as stale re-sends it): by attempt, bounded by count and by the bytes of results.
/// </summary>
public class Reported_outcomes
{
    static TaskCompleted Completed(string taskId, int attempt, string result = "{}") => new()
    {
        TaskId = taskId, AgentId = "a", Attempt = attempt, Result = JsonDocument.Parse(result).RootElement.Clone(),
    };

    [Fact]
    public void An_outcome_is_found_by_its_task_and_attempt_only()
    {
        var outcomes = new ReportedOutcomes();
        var completed = Completed("t1", 2);
        var failed = new TaskFailed { TaskId = "t2", AgentId = "a", Attempt = 1, Error = "boom" };
        outcomes.Completed(completed);
        outcomes.Failed(failed);

        Assert.Same(completed, outcomes.Find("t1", 2));
        Assert.Same(failed, outcomes.Find("t2", 1));
        Assert.Null(outcomes.Find("t1", 1)); // another attempt of the same task
        Assert.Null(outcomes.Find("t3", 2));
    }

    [Fact]
    public void The_oldest_are_forgotten_past_a_thousand()
    {
        var outcomes = new ReportedOutcomes();
        for (var i = 0; i < 1_001; i++)
            outcomes.Completed(Completed($"t{i}", 1));

        Assert.Null(outcomes.Find("t0", 1));
        Assert.NotNull(outcomes.Find("t1", 1));
        Assert.NotNull(outcomes.Find("t1000", 1));
    }

    [Fact]
    public void Large_results_are_kept_up_to_sixteen_megabytes_in_all_the_latest_always()
    {
        var outcomes = new ReportedOutcomes();
        var big = $"\"{new string('x', 1_000_000)}\""; // about 2 MB in memory each
        for (var i = 0; i < 20; i++)
            outcomes.Completed(Completed($"big{i}", 1, big));

        var kept = Enumerable.Range(0, 20).Count(i => outcomes.Find($"big{i}", 1) is not null);
        Assert.InRange(kept, 1, 8);
        Assert.NotNull(outcomes.Find("big19", 1));
        Assert.Null(outcomes.Find("big0", 1));
    }
}
