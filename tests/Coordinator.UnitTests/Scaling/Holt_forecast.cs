using Coordinator.Scaling;
using static Coordinator.UnitTests.Scaling.Fleets;

namespace Coordinator.UnitTests.Scaling;

public class Holt_forecast
{
    static HoltForecast? Feed(IEnumerable<double> rates, TimeSpan every)
    {
        HoltForecast? forecast = null;
        var at = T0;
        foreach (var rate in rates)
        {
            forecast = HoltForecast.Observe(forecast, rate, at, alpha: 0.5, beta: 0.3);
            at += every;
        }
        return forecast;
    }

    [Fact]
    public void A_steady_rate_is_forecast_as_itself()
    {
        var forecast = Feed(Enumerable.Repeat(20.0, 30), TimeSpan.FromSeconds(2))!;

        Assert.Equal(20, forecast.RateIn(TimeSpan.FromSeconds(10))!.Value, precision: 6);
        Assert.Equal(0, forecast.Trend, precision: 6);
    }

    [Fact]
    public void A_ramp_is_extrapolated_ahead_of_the_latest_rate()
    {
        // +1 task/s every 2 s: in 10 s the rate will be about 5 higher than the last sample.
        var forecast = Feed(Enumerable.Range(0, 30).Select(i => (double)i), TimeSpan.FromSeconds(2))!;

        Assert.Equal(0.5, forecast.Trend, precision: 2);
        Assert.InRange(forecast.RateIn(TimeSpan.FromSeconds(10))!.Value, 33, 35);
    }

    [Fact]
    public void A_falling_rate_is_never_forecast_below_zero()
    {
        var forecast = Feed([40, 30, 20, 10, 0, 0], TimeSpan.FromSeconds(2))!;

        Assert.True(forecast.Trend < 0);
        Assert.Equal(0, forecast.RateIn(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void There_is_no_forecast_before_three_samples()
    {
        Assert.Null(Feed([5, 6], TimeSpan.FromSeconds(2))!.RateIn(TimeSpan.FromSeconds(10)));
        Assert.NotNull(Feed([5, 6, 7], TimeSpan.FromSeconds(2))!.RateIn(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_sample_at_the_same_instant_changes_nothing()
    {
        var once = HoltForecast.Observe(null, 5, T0, 0.5, 0.3);

        Assert.Same(once, HoltForecast.Observe(once, 500, T0, 0.5, 0.3));
    }
}
