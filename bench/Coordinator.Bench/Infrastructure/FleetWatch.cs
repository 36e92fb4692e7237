using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Testing.Fleet;

namespace Coordinator.Bench.Infrastructure;

/// <summary>
/// Samples a coordinator serving a simulated fleet, once a second: its CPU and resident memory, the broker's and this
/// process's CPU, the heartbeats waiting for it (coordinator.heartbeats plus coordinator.agents, by passive declare), and
/// its own detection figures from /api/metrics (heartbeat-to-registry delay over its last 4,096 heartbeats, backlog, lag).
/// </summary>
public sealed class FleetWatch(int coordinatorPid, HttpClient api, FleetSimulator fleet) : IAsyncDisposable
{
    static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    readonly CancellationTokenSource _stop = new();
    readonly List<Sample> _samples = [];
    Task? _sampling;
    CpuShares? _cpuFrom;
    DateTimeOffset _from;
    long _sentFrom;

    public sealed record Sample(DateTimeOffset At, uint Waiting, double? DelayP50, double? DelayP99, double? LagSeconds, bool Behind, double? RssMb, long? Heard);

    /// <summary>The figures of a watched period.</summary>
    public sealed record Figures(double Seconds, double? CoordinatorCores, double? BrokerCores, double? SimulatorCores, double? MachineCores,
        double? RssMaxMb, uint WaitingMax, IReadOnlyList<uint> WaitingOverTime, double? DelayP50, double? DelayP99Worst, double? DelayP99Median,
        int BehindSamples, double HeardPerSecond, double SentPerSecond)
    {
        public string Describe() =>
            $"coordinator {F(CoordinatorCores, "0.00")} cores, RSS max {F(RssMaxMb, "0")} MB; broker {F(BrokerCores, "0.00")} cores; " +
            $"simulator {F(SimulatorCores, "0.00")} cores; machine {F(MachineCores, "0.00")} of {Environment.ProcessorCount} cores\n" +
            $"    heartbeats sent {SentPerSecond:0}/s, taken by the coordinator {HeardPerSecond:0}/s; " +
            $"waiting: max {WaitingMax}, over time [{string.Join(' ', WaitingOverTime)}]; " +
            $"heartbeat-to-registry delay p50 {F(DelayP50, "0.0")} ms, p99 {F(DelayP99Median, "0.0")} ms (worst sample {F(DelayP99Worst, "0.0")} ms); " +
            $"behind in {BehindSamples} of {Seconds:0} samples";
    }

    public static string F(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    public void Start()
    {
        _from = DateTimeOffset.UtcNow;
        _cpuFrom = CpuShares.Take(coordinatorPid, []);
        _sentFrom = fleet.Agents.Sum(a => a.HeartbeatsSent);
        _sampling = SampleAsync(_stop.Token);
    }

    async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var waiting = (await fleet.DepthAsync(EntityNames.Heartbeats, cancellationToken) ?? 0)
                              + (await fleet.DepthAsync(EntityNames.AgentControl, cancellationToken) ?? 0);
                double? p50 = null, p99 = null, lag = null;
                long? heard = null;
                var behind = false;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(5));
                    var detection = (await api.GetFromJsonAsync<JsonElement>("/api/metrics", timeout.Token)).GetProperty("detection");
                    var delay = detection.GetProperty("heartbeatDelayMs");
                    if (delay.GetProperty("samples").GetInt32() > 0)
                    {
                        p50 = delay.GetProperty("p50").GetDouble();
                        p99 = delay.GetProperty("p99").GetDouble();
                    }
                    lag = detection.GetProperty("lagSeconds").GetDouble();
                    heard = detection.GetProperty("heartbeatsHeard").GetInt64();
                    behind = detection.GetProperty("behind").GetBoolean();
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException
                                               && !cancellationToken.IsCancellationRequested)
                {
                }
                lock (_samples)
                    _samples.Add(new Sample(DateTimeOffset.UtcNow, waiting, p50, p99, lag, behind, RssMb(coordinatorPid), heard));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops sampling and sums the period up; the waiting count over time in ten points.</summary>
    public async Task<Figures> StopAsync()
    {
        await _stop.CancelAsync();
        if (_sampling is not null)
            await _sampling;
        var seconds = (DateTimeOffset.UtcNow - _from).TotalSeconds;
        var cpu = CpuShares.Take(coordinatorPid, []);
        List<Sample> samples;
        lock (_samples)
            samples = [.. _samples];
        var before = _cpuFrom!;
        double? Cores(double? after, double? start) => after is { } a && start is { } b ? (a - b) / seconds : null;
        var p99s = samples.Select(s => s.DelayP99).OfType<double>().Order().ToList();
        var p50s = samples.Select(s => s.DelayP50).OfType<double>().Order().ToList();
        var step = Math.Max(1, samples.Count / 10);
        var heard = samples.Where(x => x.Heard is not null).ToList();
        var heardPerSecond = heard.Count < 2 ? double.NaN : (heard[^1].Heard!.Value - heard[0].Heard!.Value) / (heard[^1].At - heard[0].At).TotalSeconds;
        var sentPerSecond = (fleet.Agents.Sum(a => a.HeartbeatsSent) - _sentFrom) / seconds;
        return new Figures(seconds, Cores(cpu.Coordinator, before.Coordinator), Cores(cpu.Broker, before.Broker), Cores(cpu.Bench, before.Bench),
            Cores(cpu.MachineBusy, before.MachineBusy), samples.Select(s => s.RssMb).Max(),
            samples.Count == 0 ? 0 : samples.Max(s => s.Waiting),
            [.. samples.Where((_, i) => i % step == 0).Select(s => s.Waiting)],
            p50s.Count == 0 ? null : p50s[p50s.Count / 2], p99s.Count == 0 ? null : p99s[^1], p99s.Count == 0 ? null : p99s[p99s.Count / 2],
            samples.Count(s => s.Behind), heardPerSecond, sentPerSecond);
    }

    static double? RssMb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        if (_sampling is not null)
            await _sampling;
        _stop.Dispose();
    }
}
