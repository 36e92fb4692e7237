using Coordinator.Health;

namespace Coordinator.UnitTests.Health;

/// <summary>How long the heartbeats waiting in the coordinator's queues take to be taken (the sweep judges silence net of it).</summary>
public sealed class The_heartbeat_backlog
{
    [Fact]
    public void Nothing_waiting_is_no_lag() =>
        Assert.Equal(TimeSpan.Zero, HeartbeatBacklog.LagOf(0, 0, TimeSpan.FromMinutes(5)));

    [Fact]
    public void Waiting_heartbeats_take_their_count_over_the_rate() =>
        Assert.Equal(TimeSpan.FromSeconds(4), HeartbeatBacklog.LagOf(200, 50, TimeSpan.FromSeconds(1)));

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-300)] // a smoothed rate decays towards zero without reaching it: this used to overflow TimeSpan
    [InlineData(0.001)]
    public void Queues_that_do_not_drain_count_the_time_since_the_last_heartbeat_taken(double rate) =>
        Assert.Equal(TimeSpan.FromSeconds(30), HeartbeatBacklog.LagOf(500, rate, TimeSpan.FromSeconds(30)));

    [Fact]
    public void The_lag_is_never_more_than_a_day()
    {
        Assert.Equal(HeartbeatBacklog.MaxLag, HeartbeatBacklog.LagOf(int.MaxValue, 0.011, TimeSpan.Zero));
        Assert.Equal(HeartbeatBacklog.MaxLag, HeartbeatBacklog.LagOf(10, 0, TimeSpan.FromDays(30)));
    }
}
