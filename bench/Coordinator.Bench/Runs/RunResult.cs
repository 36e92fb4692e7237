namespace Coordinator.Bench.Runs;

/// <summary>The figures of one measured run (or the per-figure medians of several).</summary>
public sealed record RunResult
{
    public required string Label { get; init; }
    public int Agents { get; init; }
    public int Tasks { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }
    public int Rejected { get; init; }
    public bool TimedOut { get; init; }
    /// <summary>First submit to last completion, seconds.</summary>
    public double ElapsedSeconds { get; init; }
    public double Throughput { get; init; }
    public required Percentiles Assignment { get; init; }
    public required Percentiles EndToEnd { get; init; }
    public double Jain { get; init; }
    /// <summary>Tasks whose TaskStarted carried a timestamp before the bench saw its publish confirmed (counted as 0 ms).</summary>
    public int StartedBeforeConfirm { get; init; }
    /// <summary>Tasks started more than once (a retry or redelivery).</summary>
    public int Restarted { get; init; }
    public IReadOnlyDictionary<string, int> PerAgent { get; init; } = new Dictionary<string, int>();
    public int Repetitions { get; init; } = 1;
    /// <summary>
    /// CPU seconds per 1,000 completed tasks spent by the coordinator process (coordinated systems only), the agents, the
    /// broker, the bench and the whole machine; null where a figure could not be read.
    /// </summary>
    public Infrastructure.CpuShares Cpu { get; init; } = new(null, null, null, null, null);

    /// <summary>Jain's fairness index (Σx)² / (n·Σx²); 1 is perfectly even.</summary>
    public static double JainIndex(IReadOnlyCollection<int> counts)
    {
        if (counts.Count == 0)
            return double.NaN;
        double sum = counts.Sum(), squares = counts.Sum(c => (double)c * c);
        return squares == 0 ? double.NaN : sum * sum / (counts.Count * squares);
    }

    /// <summary>Each figure's median over the repetitions (figures are not taken from one single run).</summary>
    public static RunResult Median(IReadOnlyList<RunResult> runs)
    {
        if (runs.Count == 1)
            return runs[0];
        return new RunResult
        {
            Label = runs[0].Label,
            Agents = runs[0].Agents,
            Tasks = runs[0].Tasks,
            Completed = (int)Med(runs, r => r.Completed),
            Failed = (int)Med(runs, r => r.Failed),
            Rejected = (int)Med(runs, r => r.Rejected),
            TimedOut = runs.Any(r => r.TimedOut),
            ElapsedSeconds = Med(runs, r => r.ElapsedSeconds),
            Throughput = Med(runs, r => r.Throughput),
            Assignment = new Percentiles(Med(runs, r => r.Assignment.P50), Med(runs, r => r.Assignment.P95), Med(runs, r => r.Assignment.P99),
                Med(runs, r => r.Assignment.Max)),
            EndToEnd = new Percentiles(Med(runs, r => r.EndToEnd.P50), Med(runs, r => r.EndToEnd.P95), Med(runs, r => r.EndToEnd.P99),
                Med(runs, r => r.EndToEnd.Max)),
            Jain = Med(runs, r => r.Jain),
            StartedBeforeConfirm = (int)Med(runs, r => r.StartedBeforeConfirm),
            Restarted = (int)Med(runs, r => r.Restarted),
            PerAgent = runs[^1].PerAgent,
            Cpu = new Infrastructure.CpuShares(Med(runs, r => r.Cpu.Coordinator), Med(runs, r => r.Cpu.Agents), Med(runs, r => r.Cpu.Broker),
                Med(runs, r => r.Cpu.Bench), Med(runs, r => r.Cpu.MachineBusy)),
            Repetitions = runs.Count,
        };
    }

    static double? Med(IReadOnlyList<RunResult> runs, Func<RunResult, double?> figure)
    {
        var values = runs.Select(figure).OfType<double>().ToList();
        return values.Count == 0 ? null : Med(values);
    }

    static double Med(IReadOnlyList<RunResult> runs, Func<RunResult, double> figure) => Med(runs.Select(figure).ToList());

    static double Med(List<double> all)
    {
        var values = all.Where(v => !double.IsNaN(v)).Order().ToList();
        if (values.Count == 0)
            return double.NaN;
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
