using Coordinator.Provisioning;

namespace Coordinator.UnitTests.Provisioning;

/// <summary>When a supervised agent (process or container) is restarted after a failure, and after how long.</summary>
public sealed class Supervised_restarts
{
    static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
    static readonly ProvisioningOptions Options = new() { RestartBackoff = TimeSpan.FromSeconds(1), MaxRestartBackoff = TimeSpan.FromSeconds(30) };

    sealed class Agent() : ProvisionedAgent(new ProvisionedAgentSpec { AgentId = "a" }, supervised: true);

    [Fact]
    public void The_delay_doubles_with_failures_in_a_row_up_to_the_maximum()
    {
        var agent = new Agent { StartedAt = T0 };
        var delays = Enumerable.Range(0, 7).Select(i => agent.NextRestart(null, T0.AddSeconds(1), Options)).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays.Select(d => d!.Value.TotalSeconds));
    }

    [Fact]
    public void A_minute_of_good_health_starts_the_count_afresh()
    {
        var agent = new Agent { StartedAt = T0 };
        agent.NextRestart(null, T0.AddSeconds(1), Options);
        agent.NextRestart(null, T0.AddSeconds(2), Options);
        Assert.Equal(TimeSpan.FromSeconds(1), agent.NextRestart(null, T0.AddMinutes(2), Options));
    }

    [Fact]
    public void A_failure_of_an_instance_heard_before_this_one_started_is_old_news() =>
        Assert.Null(new Agent { StartedAt = T0 }.NextRestart(T0.AddSeconds(-1), T0.AddSeconds(5), Options));

    [Fact]
    public void An_agent_asked_to_stop_is_not_restarted() =>
        Assert.Null(new Agent { StartedAt = T0, Stopped = true }.NextRestart(null, T0.AddSeconds(5), Options));
}
