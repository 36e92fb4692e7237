using System.Globalization;
using System.Text;
using Coordinator.Bench.Runs;

namespace Coordinator.Bench.Reporting;

/// <summary>Prints results side by side, one column per system.</summary>
public static class ResultTable
{
    public static string Format(IReadOnlyList<RunResult> results)
    {
        var rows = new List<(string Name, Func<RunResult, string> Value)>
        {
            ("repetitions (medians)", r => r.Repetitions.ToString(CultureInfo.InvariantCulture)),
            ("agents", r => r.Agents.ToString(CultureInfo.InvariantCulture)),
            ("tasks completed/failed/rejected", r => $"{r.Completed}/{r.Failed}/{r.Rejected} of {r.Tasks}{(r.TimedOut ? " TIMED OUT" : "")}"),
            ("elapsed, first submit to last done (s)", r => F(r.ElapsedSeconds, "0.00")),
            ("throughput (tasks/s)", r => F(r.Throughput, "0.0")),
            ("assignment p50/p95/p99 (ms)", r => r.Assignment.Format()),
            ("end-to-end p50/p95/p99 (ms)", r => r.EndToEnd.Format()),
            ("Jain fairness", r => F(r.Jain, "0.0000")),
            ("started before confirm seen", r => r.StartedBeforeConfirm.ToString(CultureInfo.InvariantCulture)),
            ("started more than once", r => r.Restarted.ToString(CultureInfo.InvariantCulture)),
            ("CPU s per 1,000 tasks: coordinator", r => F(r.Cpu.Coordinator, "0.00")),
            ("  agents (all)", r => F(r.Cpu.Agents, "0.00")),
            ("  broker", r => F(r.Cpu.Broker, "0.00")),
            ("  bench", r => F(r.Cpu.Bench, "0.00")),
            ("  whole machine (all cores)", r => F(r.Cpu.MachineBusy, "0.00")),
        };
        const int nameWidth = 40;
        var width = Math.Max(22, results.Max(r => Math.Max(r.Label.Length, rows.Max(row => row.Value(r).Length))) + 2);
        var text = new StringBuilder();
        text.Append(' ', nameWidth);
        foreach (var result in results)
            text.Append(result.Label.PadLeft(width));
        text.AppendLine();
        foreach (var (name, value) in rows)
        {
            text.Append(name.PadRight(nameWidth));
            foreach (var result in results)
                text.Append(value(result).PadLeft(width));
            text.AppendLine();
        }
        foreach (var result in results)
            text.AppendLine($"  per-agent completed, {result.Label} (last repetition): " +
                            string.Join(", ", result.PerAgent.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Short(p.Key)}={p.Value}")));
        return text.ToString();
    }

    /// <summary>One line for one repetition.</summary>
    public static string Line(RunResult r) =>
        $"    {r.Label}: {r.Completed}/{r.Tasks} done in {F(r.ElapsedSeconds, "0.00")} s, {F(r.Throughput, "0.0")} tasks/s, " +
        $"assign p50/p95/p99 {r.Assignment.Format()} ms, e2e {r.EndToEnd.Format()} ms, Jain {F(r.Jain, "0.0000")}" +
        (r.TimedOut ? " TIMED OUT" : "");

    public static string F(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
    public static string F(double? value, string format) => value is { } v ? F(v, format) : "-";


    static string Short(string agentId) => agentId[(agentId.LastIndexOf('-') + 1)..];
}
