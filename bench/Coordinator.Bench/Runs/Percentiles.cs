using HdrHistogram;

namespace Coordinator.Bench.Runs;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static readonly Percentiles None = new(double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>From latencies in microseconds, through an HdrHistogram (3 significant digits, up to one hour).</summary>
    public static Percentiles Of(IReadOnlyCollection<long> micros)
    {
        if (micros.Count == 0)
            return None;
        var histogram = new LongHistogram(3_600_000_000L, 3);
        foreach (var value in micros)
            histogram.RecordValue(Math.Min(value, 3_600_000_000L));
        return new Percentiles(Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)), Ms(histogram.GetMaxValue()));
    }

    static double Ms(long micros) => micros / 1000.0;

    public string Format() => double.IsNaN(P50) ? "-" : $"{P50:0.0} / {P95:0.0} / {P99:0.0}";
}
