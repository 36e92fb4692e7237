using System.Globalization;

namespace Coordinator.Bench.Infrastructure;

/// <summary>
/// CPU seconds spent so far by each part of a system under test (coordinator, agents, the broker, this bench) and by the
/// whole machine, from /proc. Two snapshots around a run give each part's share of the work: on a machine where the
/// run keeps every core busy, the parts' CPU per task bounds its throughput.
/// </summary>
public sealed record CpuShares(double? Coordinator, double? Agents, double? Broker, double? Bench, double? MachineBusy)
{
    public static CpuShares Take(int? coordinatorPid, IEnumerable<int> agentPids) => new(
        coordinatorPid is { } pid ? ProcessCpu.Seconds(pid) : null,
        Sum(agentPids.Select(ProcessCpu.Seconds)),
        BrokerPid() is { } broker ? ProcessCpu.Seconds(broker) : null,
        ProcessCpu.Seconds(Environment.ProcessId),
        MachineBusySeconds());

    /// <summary>Per 1,000 tasks, from <paramref name="before"/> to this snapshot.</summary>
    public CpuShares Per1000Since(CpuShares before, int tasks) => new(
        Per(Coordinator, before.Coordinator, tasks), Per(Agents, before.Agents, tasks), Per(Broker, before.Broker, tasks),
        Per(Bench, before.Bench, tasks), Per(MachineBusy, before.MachineBusy, tasks));

    static double? Per(double? after, double? before, int tasks) =>
        after is { } a && before is { } b && tasks > 0 ? (a - b) * 1000 / tasks : null;

    static double? Sum(IEnumerable<double?> values)
    {
        double total = 0;
        foreach (var value in values)
        {
            if (value is not { } v)
                return null;
            total += v;
        }
        return total;
    }

    static int? _brokerPid;

    /// <summary>The local RabbitMQ node (the Erlang VM, beam.smp); null when it runs elsewhere.</summary>
    static int? BrokerPid()
    {
        if (_brokerPid is { } known && File.Exists($"/proc/{known}/stat"))
            return known;
        _brokerPid = null;
        if (!Directory.Exists("/proc"))
            return null;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Take(100_000))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "beam.smp"
                    && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("rabbit", StringComparison.Ordinal))
                    return _brokerPid = pid;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    /// <summary>Busy CPU seconds of the whole machine, all cores (everything in /proc/stat's first line but idle and iowait).</summary>
    static double? MachineBusySeconds()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal (guest counted in user already)
            var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
            return busy / 100.0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
