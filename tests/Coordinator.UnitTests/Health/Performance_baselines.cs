using Coordinator.Contracts;
using Coordinator.Health;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Health;

public class Performance_baselines
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    readonly PerformanceBaselines _baselines;

    public Performance_baselines() =>
        _baselines = new PerformanceBaselines(new DetectionOptions { BaselineResults = 20, PerformanceWindow = 10 }, _time, Tasks.Placements.New());

    void Results(int count, string type, bool succeeded, double ms)
    {
        for (var i = 0; i < count; i++)
        {
            _baselines.Record("a", type, succeeded, ms);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public void Nothing_is_judged_before_a_baseline_exists()
    {
        Results(29, "sleep", false, 50); // 19 have left the recent window of 10: one short of a baseline

        Assert.Equal(AgentHealthStatus.Healthy, _baselines.Assess("a").Status);
    }

    [Fact]
    public void Latency_well_off_its_own_baseline_degrades_and_recovery_restores()
    {
        Results(30, "sleep", true, 100);
        Results(4, "sleep", true, 350);
        Assert.Equal(AgentHealthStatus.Healthy, _baselines.Assess("a").Status); // too few slow ones yet

        Results(6, "sleep", true, 350);
        var (status, reason) = _baselines.Assess("a");
        Assert.Equal(AgentHealthStatus.Degraded, status);
        Assert.Contains("3.5x its own baseline", reason);

        Results(10, "sleep", true, 110);
        Assert.Equal(AgentHealthStatus.Healthy, _baselines.Assess("a").Status);
    }

    [Fact]
    public void Each_task_type_has_its_own_baseline()
    {
        Results(20, "echo", true, 5);
        Results(10, "compute", true, 400);
        Results(10, "compute", true, 420);

        Assert.Equal(AgentHealthStatus.Healthy, _baselines.Assess("a").Status);
    }

    [Fact]
    public void An_error_rate_well_above_its_own_baseline_degrades()
    {
        Results(30, "echo", true, 5);
        Results(10, "echo", false, 5);

        var (status, reason) = _baselines.Assess("a");
        Assert.Equal(AgentHealthStatus.Degraded, status);
        Assert.StartsWith("error rate 100%", reason);
    }

    [Fact]
    public void An_agent_that_always_fails_some_work_is_not_degraded_for_it()
    {
        for (var i = 0; i < 40; i++)
            Results(1, "echo", i % 2 == 0, 5);

        Assert.Equal(AgentHealthStatus.Healthy, _baselines.Assess("a").Status);
    }

    [Fact]
    public void Old_slowness_is_forgotten_when_no_new_results_come()
    {
        Results(30, "sleep", true, 100);
        Results(10, "sleep", true, 500);
        Assert.Equal(AgentHealthStatus.Degraded, _baselines.Assess("a").Status);

        _time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(AgentHealthStatus.Healthy, _baselines.Assess("a").Status);
    }
}
