using System.Text.Json;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Reporting;
using Coordinator.Bench.Runs;
using Coordinator.Bench.Systems;
using Coordinator.Testing.Fleet;

namespace Coordinator.Bench.Scenarios;

/// <summary>
/// Issue 10: one coordinator (SQLite, production detection settings: 1 s heartbeats, 250 ms sweeps) and a simulated fleet
/// in this process (<see cref="FleetSimulator"/>). Soaks, a mass kill with work to move, a task load over the fleet, and a
/// fleet gone silent at once; each reports the coordinator's CPU and memory, the heartbeats waiting for it, its
/// heartbeat-to-registry delay, false verdicts, detection times and what it sent itself.
/// </summary>
public sealed class FleetScenario(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
{
    static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(3);

    /// <summary>N agents heartbeating for a while: the coordinator keeps up, on how much CPU, with no false verdict.</summary>
    public async Task<IReadOnlyList<TargetCheck>> SoakAsync(int agents, TimeSpan duration, double coreTarget)
    {
        await using var run = await StartAsync(agents);
        output.WriteLine($"  soak for {duration.TotalSeconds:0} s");
        var figures = await WatchAsync(run, duration);
        output.WriteLine($"  {figures.Describe()}");
        var falseVerdicts = run.Fleet.Observed.FalseVerdicts;
        Report(run, falseVerdicts);
        var label = $"fleet soak {agents}";
        var (scrape, series) = await ScrapeAsync(run, "/metrics");
        var (snapshot, _) = await ScrapeAsync(run, "/api/metrics");
        var (listing, _) = await ScrapeAsync(run, "/api/agents");
        output.WriteLine($"  observing {agents} agents, median of 20 (ms): /metrics {scrape:0.0} ({series} series), /api/metrics {snapshot:0.0}, " +
                         $"/api/agents {listing:0.0} (the dashboard polls the last two every 2 s)");
        return
        [
            new TargetCheck(label, "a Prometheus scrape and the dashboard's calls answer in <= 0.5 s (median)",
                $"/metrics {scrape:0} ms, /api/metrics {snapshot:0} ms, /api/agents {listing:0} ms", Math.Max(scrape, Math.Max(snapshot, listing)) <= 500),
            new TargetCheck(label, $"{agents} agents at 1 Hz on <= {coreTarget} core with the heartbeat queue never growing",
                $"{WatchF(figures.CoordinatorCores)} cores; at most {figures.WaitingMax} heartbeats waiting",
                figures.CoordinatorCores <= coreTarget && figures.WaitingMax < agents),
            new TargetCheck(label, "no false failure", $"{falseVerdicts.Count} false verdicts", falseVerdicts.Count == 0),
            new TargetCheck(label, "heartbeat-to-registry delay p99 <= 1 s",
                $"p99 {WatchF(figures.DelayP99Median)} ms (worst 1 s sample {WatchF(figures.DelayP99Worst)} ms)", figures.DelayP99Worst <= 1000),
        ];
    }

    /// <summary>
    /// 1,000 agents each holding two long tasks; 100 killed at once: every one Failed within 5 s of its last heartbeat, and
    /// every task it held assigned to a survivor and completed.
    /// </summary>
    public async Task<IReadOnlyList<TargetCheck>> KillAsync(int agents, int kills)
    {
        await using var run = await StartAsync(agents);
        var sleep = TimeSpan.FromSeconds(20);
        var work = new Workload(agents * 2, "sleep", JsonSerializer.SerializeToElement(new { ms = (int)sleep.TotalMilliseconds }), 0,
            TimeSpan.FromMinutes(5));
        output.WriteLine($"  load: {work.Describe()} (two per agent)");
        var load = run.System.RunAsync(work, "tasks", cancellationToken);
        await Poll.UntilAsync(() => Task.FromResult(run.Fleet.Observed.Assignments.Count >= work.Tasks), TimeSpan.FromMinutes(2),
            "every task to be assigned", () => "", cancellationToken);

        var watch = Watch(run);
        var step = agents / kills;
        var victims = run.Fleet.Agents.Where(a => a.Index % step == 0).Take(kills).ToList();
        var victimIds = victims.Select(a => a.AgentId).ToHashSet();
        var held = run.Fleet.Observed.Assignments.Where(p => victimIds.Contains(p.Value[^1].AgentId)).Select(p => p.Key).ToList();
        var killedAt = DateTimeOffset.UtcNow;
        await run.Fleet.KillAsync(victims);
        output.WriteLine($"  killed {victims.Count} agents at once, holding {held.Count} tasks");

        await Poll.UntilAsync(() => Task.FromResult(victimIds.IsSubsetOf(FailedIds(run.Fleet))), TimeSpan.FromSeconds(60),
            $"all {victims.Count} killed agents to be Failed", () => "", cancellationToken);
        var detection = run.Fleet.Observed.Verdicts.Where(v => victimIds.Contains(v.AgentId) && v.State == "Failed")
            .Select(v => v.Detection?.TotalSeconds ?? double.NaN).Order().ToList();
        var result = await load;
        var figures = await watch.StopAsync();
        await watch.DisposeAsync();
        var moved = held.Select(id => run.Fleet.Observed.AssignmentsOf(id))
            .Select(list => list.FirstOrDefault(a => a.At > killedAt && !victimIds.Contains(a.AgentId)))
            .ToList();
        var movedTimes = moved.Where(m => m.AgentId is not null).Select(m => (m.At - killedAt).TotalSeconds).Order().ToList();
        foreach (var (taskId, _) in held.Zip(moved).Where(p => p.Second.AgentId is null).Take(5))
            output.WriteLine($"  not moved: {taskId}: assignments {string.Join(", ", run.Fleet.Observed.AssignmentsOf(taskId).Select(a => $"{a.AgentId}#{a.Attempt} at {a.At:HH:mm:ss.fff}"))}; " +
                             $"coordinator: {await run.System.Api.GetStringAsync($"/api/tasks/{taskId}", cancellationToken)}");
        foreach (var slow in run.Fleet.Observed.Verdicts.Where(v => victimIds.Contains(v.AgentId) && v.State == "Failed").OrderByDescending(v => v.Detection).Take(3))
            output.WriteLine($"  slowest: {slow.AgentId} after {slow.Detection?.TotalSeconds:0.00} s (announced {slow.At:HH:mm:ss.fff}): {slow.Reason}");
        output.WriteLine($"  detection after the last heartbeat: median {Median(detection):0.00} s, max {detection[^1]:0.00} s");
        output.WriteLine($"  held tasks assigned to a survivor: {movedTimes.Count} of {held.Count}; " +
                         (movedTimes.Count > 0 ? $"after the kill median {Median(movedTimes):0.00} s, max {movedTimes[^1]:0.00} s" : "none"));
        output.WriteLine($"  tasks: {Describe(result)}");
        output.WriteLine($"  {figures.Describe()}");
        var falseVerdicts = run.Fleet.Observed.FalseVerdicts;
        Report(run, falseVerdicts);
        var label = $"fleet kill {kills} of {agents}";
        return
        [
            new TargetCheck(label, "all Failed <= 5 s after their last heartbeat",
                $"median {Median(detection):0.00} s, max {detection[^1]:0.00} s", detection[^1] <= 5),
            new TargetCheck(label, "their work moved: every task they held assigned to a survivor, and all tasks completed",
                $"{movedTimes.Count} of {held.Count} moved; {result.Completed} of {work.Tasks} completed",
                movedTimes.Count == held.Count && result.Completed == work.Tasks && !result.TimedOut),
            new TargetCheck(label, "no false failure", $"{falseVerdicts.Count} false verdicts", falseVerdicts.Count == 0),
        ];
    }

    /// <summary>N agents while a stream of tasks runs through them; the heartbeat figures hold with the task path busy.</summary>
    public async Task<IReadOnlyList<TargetCheck>> TasksAsync(int agents, int tasks)
    {
        await using var run = await StartAsync(agents);
        var work = new Workload(tasks, "sleep", JsonSerializer.SerializeToElement(new { ms = 1000 }), 100, TimeSpan.FromMinutes(5));
        output.WriteLine($"  load: {work.Describe()}");
        var watch = Watch(run);
        var result = await run.System.RunAsync(work, "tasks", cancellationToken);
        var figures = await watch.StopAsync();
        await watch.DisposeAsync();
        output.WriteLine($"  tasks: {Describe(result)}");
        output.WriteLine($"  {figures.Describe()}");
        var falseVerdicts = run.Fleet.Observed.FalseVerdicts;
        Report(run, falseVerdicts);
        var label = $"fleet {agents} + {tasks} tasks";
        return
        [
            new TargetCheck(label, "every task completed, no false failure",
                $"{result.Completed} of {tasks} completed; {falseVerdicts.Count} false verdicts",
                result.Completed == tasks && !result.TimedOut && falseVerdicts.Count == 0),
            new TargetCheck(label, "heartbeat-to-registry delay p99 <= 1 s with the task path busy",
                $"p99 {WatchF(figures.DelayP99Median)} ms (worst 1 s sample {WatchF(figures.DelayP99Worst)} ms); at most {figures.WaitingMax} heartbeats waiting",
                figures.DelayP99Worst <= 1000),
        ];
    }

    /// <summary>
    /// N agents fall silent at once (consumers kept, as frozen processes): the coordinator fails each once and then sends
    /// itself nothing more; what it sent itself is counted per second.
    /// </summary>
    public async Task<IReadOnlyList<TargetCheck>> SilentAsync(int agents, TimeSpan after)
    {
        await using var run = await StartAsync(agents);
        var watch = Watch(run);
        var silencedAt = DateTimeOffset.UtcNow;
        run.Fleet.Silence(run.Fleet.Agents);
        output.WriteLine($"  silenced all {agents} at once; watching {after.TotalSeconds:0} s");
        await Poll.UntilAsync(() => Task.FromResult(FailedIds(run.Fleet).Count >= agents), TimeSpan.FromSeconds(60),
            $"all {agents} to be Failed", () => "", cancellationToken);
        var allFailedAt = DateTimeOffset.UtcNow;
        var until = silencedAt + after;
        if (until > DateTimeOffset.UtcNow)
            await Task.Delay(until - DateTimeOffset.UtcNow, cancellationToken); // the watched period itself
        var figures = await watch.StopAsync();
        await watch.DisposeAsync();
        var perSecond = run.Fleet.Observed.SelfMessagesPerSecond(silencedAt, DateTimeOffset.UtcNow);
        var total = perSecond.Sum();
        var settled = run.Fleet.Observed.SelfMessagesPerSecond(allFailedAt.AddSeconds(5), DateTimeOffset.UtcNow).Sum();
        var verdicts = run.Fleet.Observed.Verdicts;
        output.WriteLine($"  all Failed {(allFailedAt - silencedAt).TotalSeconds:0.0} s after the silence; verdicts announced: {verdicts.Count} " +
                         $"({string.Join(", ", verdicts.GroupBy(v => v.State).Select(g => $"{g.Key} {g.Count()}"))})");
        output.WriteLine($"  sent itself {total} messages in {perSecond.Count} s (max {(perSecond.Count == 0 ? 0 : perSecond.Max())}/s; " +
                         $"{settled} from 5 s after the last failure on): {string.Join(", ", run.Fleet.Observed.SelfMessagesByType.Select(p => $"{p.Key} {p.Value}"))}");
        output.WriteLine($"  per second: [{string.Join(' ', perSecond)}]");
        output.WriteLine($"  {figures.Describe()}");
        var transitions = verdicts.Count;
        var label = $"fleet silent {agents}";
        return
        [
            new TargetCheck(label, "messages sent to itself bounded by the transitions (at most 3 per transition, none once settled)",
                $"{total} messages for {transitions} transitions; {settled} once settled", total <= 3 * transitions && settled == 0),
        ];
    }

    sealed record FleetRun(CoordinatedSystem System, FleetSimulator Fleet) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Fleet.DisposeAsync();
            await System.DisposeAsync();
        }
    }

    async Task<FleetRun> StartAsync(int agents)
    {
        var system = new CoordinatedSystem(0, 4, "LeastConnections", new Dictionary<string, string>
        {
            ["Coordinator__HeartbeatInterval"] = "00:00:01",
            ["Coordinator__HealthSweepInterval"] = "00:00:00.250",
        }) { Overrides = options.Settings };
        output.WriteLine($"  starting a coordinator on virtual host {system.VirtualHost}, then {agents} simulated agents");
        FleetSimulator? fleet = null;
        try
        {
            await system.StartAsync(cancellationToken);
            fleet = new FleetSimulator(new FleetSimulatorOptions
            {
                VirtualHost = system.VirtualHost,
                Prefix = $"{system.Tag}-sim",
                Agents = agents,
                HeartbeatInterval = TimeSpan.FromSeconds(1),
            });
            var started = DateTimeOffset.UtcNow;
            await fleet.StartAsync(cancellationToken);
            await fleet.WaitAllActiveAsync(ActiveTimeout, cancellationToken);
            output.WriteLine($"  {agents} agents Active {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s after the first registration");
            return new FleetRun(system, fleet);
        }
        catch
        {
            if (fleet is not null)
                await fleet.DisposeAsync();
            await system.DisposeAsync();
            throw;
        }
    }

    FleetWatch Watch(FleetRun run)
    {
        var watch = new FleetWatch(run.System.CoordinatorProcessId ?? throw new InvalidOperationException("no coordinator process"),
            run.System.Api, run.Fleet);
        watch.Start();
        return watch;
    }

    async Task<FleetWatch.Figures> WatchAsync(FleetRun run, TimeSpan duration)
    {
        var watch = Watch(run);
        await Task.Delay(duration, cancellationToken); // the watched period itself
        var figures = await watch.StopAsync();
        await watch.DisposeAsync();
        return figures;
    }

    void Report(FleetRun run, IReadOnlyList<VerdictSeen> falseVerdicts)
    {
        var observed = run.Fleet.Observed;
        output.WriteLine($"  false verdicts: {falseVerdicts.Count}" +
                         (falseVerdicts.Count == 0 ? "" : $" (first: {falseVerdicts[0].AgentId} {falseVerdicts[0].State}: {falseVerdicts[0].Reason})") +
                         $"; heartbeats refused: {observed.HeartbeatsRejected}; simulator publish failures: {observed.PublishFailures}; " +
                         $"sent to itself: {(observed.SelfMessagesByType.Count == 0 ? "nothing" : string.Join(", ", observed.SelfMessagesByType.Select(p => $"{p.Key} {p.Value}")))}");
    }

    /// <summary>A run's task figures in a line (the per-agent table of a thousand agents says nothing).</summary>
    static string Describe(RunResult r) =>
        $"{r.Completed} of {r.Tasks} completed, {r.Failed} failed, {r.Rejected} rejected{(r.TimedOut ? ", TIMED OUT" : "")} in {r.ElapsedSeconds:0.0} s " +
        $"({ResultTable.F(r.Throughput, "0.0")} tasks/s); assignment p50/p95/p99 {r.Assignment.Format()} ms, end to end {r.EndToEnd.Format()} ms; " +
        $"started more than once: {r.Restarted}; coordinator CPU {ResultTable.F(r.Cpu.Coordinator, "0.00")} s per 1,000 tasks";

    static HashSet<string> FailedIds(FleetSimulator fleet) =>
        fleet.Observed.Verdicts.Where(v => v.State == "Failed").Select(v => v.AgentId).ToHashSet();

    /// <summary>The median of 20 GETs of <paramref name="path"/> one after another (ms), and how many sample lines the last had.</summary>
    async Task<(double Milliseconds, int Lines)> ScrapeAsync(FleetRun run, string path)
    {
        var times = new List<double>();
        var lines = 0;
        for (var i = 0; i < 20; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var body = await run.System.Api.GetStringAsync(path, cancellationToken);
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            lines = body.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        }
        times.Sort();
        return (Median(times), lines);
    }

    static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];

    static string WatchF(double? value) => FleetWatch.F(value, "0.00");
}
