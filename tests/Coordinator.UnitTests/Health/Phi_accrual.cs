using Coordinator.Health;

namespace Coordinator.UnitTests.Health;

public class Phi_accrual
{
    static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    static HeartbeatHistory Steady(double jitterMs, int beats = 30)
    {
        var history = new HeartbeatHistory(window: 100, minStdDeviation: TimeSpan.FromMilliseconds(100));
        var at = Start;
        for (var i = 1; i <= beats; i++)
        {
            at += TimeSpan.FromMilliseconds(1000 + (i % 2 == 0 ? jitterMs : -jitterMs));
            history.Observe(i, at);
        }
        return history;
    }

    [Fact]
    public void Suspicion_grows_with_silence_and_stays_low_within_a_normal_interval()
    {
        var history = Steady(jitterMs: 20);

        Assert.True(history.Phi(TimeSpan.FromMilliseconds(900)) < 1);
        Assert.True(history.Phi(TimeSpan.FromMilliseconds(1500)) > history.Phi(TimeSpan.FromMilliseconds(1200)));
        Assert.True(history.Phi(TimeSpan.FromMilliseconds(2500)) >= 8, "2.5 s of silence from a 1 s metronome is a failure");
    }

    [Fact]
    public void A_jittery_agent_is_given_longer_than_a_regular_one()
    {
        var regular = Steady(jitterMs: 20);
        var jittery = Steady(jitterMs: 450);

        var silence = TimeSpan.FromMilliseconds(2500);
        Assert.True(regular.Phi(silence) >= 8);
        Assert.True(jittery.Phi(silence) < 8, $"phi {jittery.Phi(silence):0.0} for an agent whose beats vary by ±0.45 s");
    }

    [Fact]
    public void Beats_seen_together_are_split_over_the_gap_and_too_little_history_gives_no_suspicion()
    {
        var history = new HeartbeatHistory(window: 100, minStdDeviation: TimeSpan.FromMilliseconds(100));
        history.Observe(1, Start);
        history.Observe(3, Start.AddSeconds(2)); // two beats between sweeps: two 1 s intervals
        Assert.Equal(2, history.Samples);
        Assert.Equal(0, history.Phi(TimeSpan.FromSeconds(10)));

        history.Observe(4, Start.AddSeconds(3));
        Assert.True(history.Phi(TimeSpan.FromSeconds(3)) >= 8);
    }

    [Fact]
    public void The_normal_approximation_matches_known_points()
    {
        Assert.Equal(0.301, HeartbeatHistory.PhiOf(1000, 1000, 100), 2); // at the mean: P(later) = 1/2
        Assert.Equal(-Math.Log10(0.0013499), HeartbeatHistory.PhiOf(1300, 1000, 100), 1); // +3 sigma
    }
}
