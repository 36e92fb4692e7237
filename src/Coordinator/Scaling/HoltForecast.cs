namespace Coordinator.Scaling;

/// <summary>
/// Holt's linear trend (double exponential smoothing) over the measured arrival rate, for samples at irregular
/// intervals: the level follows the rate, the trend its change per second. Pure: each observation returns a new state.
/// </summary>
public sealed record HoltForecast(double Level, double Trend, DateTimeOffset At, int Samples)
{
    /// <summary>Samples needed before the trend means anything.</summary>
    public const int MinSamples = 3;

    public static HoltForecast Observe(HoltForecast? previous, double rate, DateTimeOffset at, double alpha, double beta)
    {
        if (previous is null)
            return new HoltForecast(rate, 0, at, 1);
        var seconds = (at - previous.At).TotalSeconds;
        if (seconds <= 0)
            return previous;
        var predicted = previous.Level + previous.Trend * seconds;
        var level = alpha * rate + (1 - alpha) * predicted;
        var trend = beta * (level - previous.Level) / seconds + (1 - beta) * previous.Trend;
        return new HoltForecast(level, trend, at, previous.Samples + 1);
    }

    /// <summary>The rate expected <paramref name="horizon"/> from the last sample (never negative); null without enough history.</summary>
    public double? RateIn(TimeSpan horizon) => Samples < MinSamples ? null : Math.Max(0, Level + Trend * horizon.TotalSeconds);
}
