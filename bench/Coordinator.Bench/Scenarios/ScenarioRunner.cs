using System.Text.Json;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Reporting;
using Coordinator.Bench.Runs;
using Coordinator.Bench.Systems;

namespace Coordinator.Bench.Scenarios;

/// <summary>
/// Runs the named scenarios of issue 3 (or one custom comparison). Each system is started once per
/// scenario, warmed up with unmeasured tasks, then measured <c>repeat</c> times; medians are reported.
/// </summary>
public sealed class ScenarioRunner(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
{
    readonly List<TargetCheck> _checks = [];

    public IReadOnlyList<TargetCheck> Checks => _checks;

    int Repeat => options.Repeat ?? (options.Scenario is null ? 1 : 3);

    public async Task RunAsync()
    {
        switch (options.Scenario)
        {
            case null:
                await CustomAsync();
                break;
            case "throughput":
                await ThroughputAsync();
                break;
            case "latency":
                await LatencyAsync(null);
                break;
            case "scaling":
                await ScalingAsync();
                break;
            case "fairness":
                await FairnessAsync();
                break;
            case "recovery":
                await RecoveryAsync();
                break;
            case "scale-response":
                await ScaleResponseAsync();
                break;
            case "ramp":
                await RampAsync();
                break;
            case "fleet-soak":
                await FleetSoakAsync();
                break;
            case "fleet-large":
                await FleetLargeAsync();
                break;
            case "fleet-kill":
                await FleetKillAsync();
                break;
            case "fleet-tasks":
                await FleetTasksAsync();
                break;
            case "fleet-silent":
                await FleetSilentAsync();
                break;
            case "queues":
                await QueuesAsync();
                break;
            case "identity":
                await IdentityAsync();
                break;
            case "takeover":
                await new TakeoverScenario(options, output, cancellationToken).RunAsync();
                break;
            case "ledger":
                await new LedgerScenario(options, output, cancellationToken).RunAsync();
                break;
            case "fleet":
                await FleetSoakAsync();
                await FleetLargeAsync();
                await FleetKillAsync();
                await FleetTasksAsync();
                await FleetSilentAsync();
                break;
            default:
                var peak = await ThroughputAsync();
                await LatencyAsync(peak);
                await ScalingAsync();
                await FairnessAsync();
                await RecoveryAsync();
                await ScaleResponseAsync();
                await RampAsync();
                break;
        }
        if (_checks.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("== Targets ==");
            foreach (var check in _checks)
                output.WriteLine(check);
        }
    }

    Workload Work(string type, int defaultTasks, double rate = 0, JsonElement? payload = null) =>
        new(options.Tasks ?? defaultTasks, type, payload ?? options.PayloadFor(type), rate, options.Timeout);

    /// <summary>Any workload from the options: coordinated against baseline.</summary>
    async Task CustomAsync()
    {
        var work = Work(options.TaskType, 2000, options.Rate);
        Heading($"custom: {work.Describe()}; {options.Agents} agents × {options.Concurrency}; strategy {options.Strategy}");
        var coordinated = await MeasureAsync(() => new CoordinatedSystem(options.Agents, options.Concurrency, options.Strategy), work, "coordinated");
        var baseline = await MeasureAsync(() => new BaselineSystem(options.Agents, options.Concurrency), work, "baseline");
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([coordinated, baseline]));
        output.WriteLine($"ratio coordinated/baseline throughput: {Ratio(coordinated.Throughput, baseline.Throughput)}");
    }

    /// <summary>(a) echo as fast as possible; returns the coordinated peak (median throughput).</summary>
    async Task<double> ThroughputAsync()
    {
        var work = Work("echo", 2000);
        Heading($"throughput: {work.Describe()}; {options.Agents} agents × {options.Concurrency}; strategy {options.Strategy}");
        var coordinated = await MeasureAsync(() => new CoordinatedSystem(options.Agents, options.Concurrency, options.Strategy), work, "coordinated");
        var baseline = await MeasureAsync(() => new BaselineSystem(options.Agents, options.Concurrency), work, "baseline");
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([coordinated, baseline]));
        var ratio = coordinated.Throughput / baseline.Throughput;
        output.WriteLine($"ratio coordinated/baseline throughput: {ResultTable.F(ratio, "0.00")}");
        _checks.Add(new TargetCheck("throughput", "coordinated throughput >= 0.7 x baseline",
            $"{ResultTable.F(ratio, "0.00")} x ({ResultTable.F(coordinated.Throughput, "0")} vs {ResultTable.F(baseline.Throughput, "0")} tasks/s)",
            ratio >= 0.7 && !coordinated.TimedOut));
        return coordinated.Throughput;
    }

    /// <summary>
    /// Issue 14: the coordinated throughput with classic queues, with quorum queues on the same one node, and with quorum queues
    /// replicated over the three-node cluster of <c>scripts/rabbitmq-cluster.sh</c> (on this same machine), one after another in
    /// one run. The cluster is started for it and reset after.
    /// </summary>
    async Task QueuesAsync()
    {
        var work = Work("echo", 2000);
        Heading($"queues: {work.Describe()}; {options.Agents} agents × {options.Concurrency}; strategy {options.Strategy}");
        CoordinatedSystem System(Hosting.BrokerQueueType queueType, bool onCluster) =>
            new(options.Agents, options.Concurrency, options.Strategy) { QueueType = queueType, OnCluster = onCluster, Overrides = options.Settings };
        var classic = await MeasureAsync(() => System(Hosting.BrokerQueueType.Classic, false), work, "classic, 1 node");
        var quorum = await MeasureAsync(() => System(Hosting.BrokerQueueType.Quorum, false), work, "quorum, 1 node");
        await RabbitMqCluster.StartAsync(cancellationToken);
        RunResult replicated;
        try
        {
            replicated = await MeasureAsync(() => System(Hosting.BrokerQueueType.Quorum, true), work, "quorum, 3 nodes");
        }
        finally
        {
            await RabbitMqCluster.ResetAsync(CancellationToken.None);
        }
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([classic, quorum, replicated]));
        output.WriteLine($"ratio quorum/classic throughput (one node): {Ratio(quorum.Throughput, classic.Throughput)}; " +
                         $"quorum on three nodes/classic: {Ratio(replicated.Throughput, classic.Throughput)}");
    }

    /// <summary>
    /// Issue 15: the coordinated throughput with agents whose id is believed (Claimed) and with agents that connect as their own
    /// broker users, enrolled by a bootstrap token, every agent message checked against its sender (Broker), one after another
    /// in one run.
    /// </summary>
    async Task IdentityAsync()
    {
        var work = Work("echo", 2000);
        Heading($"identity: {work.Describe()}; {options.Agents} agents × {options.Concurrency}; strategy {options.Strategy}");
        var claimed = await MeasureAsync(() => new CoordinatedSystem(options.Agents, options.Concurrency, options.Strategy) { Overrides = options.Settings },
            work, "Claimed");
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var broker = await MeasureAsync(() => new CoordinatedSystem(options.Agents, options.Concurrency, options.Strategy)
        {
            Overrides = options.Settings, BootstrapToken = token,
        }, work, "Broker");
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([claimed, broker]));
        output.WriteLine($"ratio Broker/Claimed throughput: {Ratio(broker.Throughput, claimed.Throughput)}");
    }

    /// <summary>(b) assignment latency at half of the coordinated peak rate (measured by (a) or by a probe here).</summary>
    async Task LatencyAsync(double? knownPeak)
    {
        Heading($"latency: echo at half of the coordinated peak rate; {options.Agents} agents × {options.Concurrency}; strategy {options.Strategy}");
        await using var coordinatedSystem = await StartAsync(() => new CoordinatedSystem(options.Agents, options.Concurrency, options.Strategy));
        double peak;
        if (knownPeak is { } known && !double.IsNaN(known))
        {
            peak = known;
            output.WriteLine($"  peak rate from the throughput scenario: {peak:0.0} tasks/s");
            await WarmUpAsync(coordinatedSystem, Work("echo", 2000));
        }
        else
        {
            await WarmUpAsync(coordinatedSystem, Work("echo", 2000));
            var probe = await coordinatedSystem.RunAsync(Work("echo", 2000), "peak probe", cancellationToken);
            output.WriteLine(ResultTable.Line(probe));
            peak = probe.Throughput;
            output.WriteLine($"  peak rate from a probe run as fast as possible: {ResultTable.F(peak, "0.0")} tasks/s");
        }
        if (double.IsNaN(peak) || peak <= 0)
            throw new InvalidOperationException("no peak rate could be measured");
        var rate = Math.Round(peak / 2, 1);
        // About ten seconds of submissions at that rate.
        var work = Work("echo", (int)Math.Clamp(rate * 10, 300, 4000), rate);
        output.WriteLine($"  measured runs: {work.Describe()}");
        var coordinated = await RepeatAsync(coordinatedSystem, work, "coordinated");
        var baseline = await MeasureAsync(() => new BaselineSystem(options.Agents, options.Concurrency), work, "baseline");
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([coordinated, baseline]));
        _checks.Add(new TargetCheck("latency", $"coordinated assignment p99 <= 10 ms at half of peak ({rate:0.0} tasks/s)",
            $"p99 {ResultTable.F(coordinated.Assignment.P99, "0.0")} ms (p50 {ResultTable.F(coordinated.Assignment.P50, "0.0")}, achieved {ResultTable.F(coordinated.Throughput, "0.0")} tasks/s)",
            coordinated.Assignment.P99 <= 10 && !coordinated.TimedOut));
    }

    /// <summary>(c) sleep tasks, coordinated, one agent against the fleet.</summary>
    async Task ScalingAsync()
    {
        var fleet = options.Agents > 1 ? options.Agents : 5;
        // 800 tasks: 20 s of sleeping for one agent, 4 s for five, so start-up and tail are a small part of each run.
        var work = Work("sleep", 800, payload: options.Payload ?? JsonSerializer.SerializeToElement(new { ms = 100 }));
        Heading($"scaling: {work.Describe()}; 1 agent vs {fleet} agents × {options.Concurrency}; coordinated, strategy {options.Strategy}");
        var one = await MeasureAsync(() => new CoordinatedSystem(1, options.Concurrency, options.Strategy), work, "1 agent");
        var many = await MeasureAsync(() => new CoordinatedSystem(fleet, options.Concurrency, options.Strategy), work, $"{fleet} agents");
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([one, many]));
        var speedUp = many.Throughput / one.Throughput;
        output.WriteLine($"speed-up {fleet} agents / 1 agent: {ResultTable.F(speedUp, "0.00")} x (ideal {fleet})");
        var target = fleet == 5 ? 4.5 : 0.9 * fleet;
        _checks.Add(new TargetCheck("scaling", $"{fleet} agents >= {target:0.0} x one agent on sleep tasks",
            $"{ResultTable.F(speedUp, "0.00")} x ({ResultTable.F(many.Throughput, "0.0")} vs {ResultTable.F(one.Throughput, "0.0")} tasks/s)",
            speedUp >= target && !one.TimedOut && !many.TimedOut));
    }

    /// <summary>(d) homogeneous agents under LeastConnections, sleep tasks: Jain over completed counts.</summary>
    async Task FairnessAsync()
    {
        const string strategy = "LeastConnections";
        var work = Work("sleep", 1000, payload: options.Payload ?? JsonSerializer.SerializeToElement(new { ms = 50 }));
        Heading($"fairness: {work.Describe()}; {options.Agents} homogeneous agents × {options.Concurrency}; strategy {strategy}");
        var coordinated = await MeasureAsync(() => new CoordinatedSystem(options.Agents, options.Concurrency, strategy), work, "coordinated");
        var baseline = await MeasureAsync(() => new BaselineSystem(options.Agents, options.Concurrency), work, "baseline");
        output.WriteLine($"  {MachineActivity.Describe()}");
        output.Write(ResultTable.Format([coordinated, baseline]));
        _checks.Add(new TargetCheck("fairness", "Jain >= 0.98 for homogeneous agents under LeastConnections",
            $"{ResultTable.F(coordinated.Jain, "0.0000")} (baseline {ResultTable.F(baseline.Jain, "0.0000")})",
            coordinated.Jain >= 0.98 && !coordinated.TimedOut));
    }

    /// <summary>(e) issue 4: agents killed and frozen under load; detection and time to running elsewhere.</summary>
    async Task RecoveryAsync()
    {
        const int kills = 6, freezes = 3;
        Heading($"recovery: {kills} agents killed (kill -9) and {freezes} frozen (SIGSTOP), one at a time, under steady load; 3 agents × 4");
        _checks.AddRange(await new RecoveryScenario(kills, freezes, output, cancellationToken).RunAsync());
        output.WriteLine($"  {MachineActivity.Describe()}");
    }

    /// <summary>Issue 8: from a backlog over the threshold to a new agent Active, rounds on one scaled system.</summary>
    async Task ScaleResponseAsync()
    {
        var rounds = options.Repeat ?? 5;
        Heading($"scale-response: {rounds} rounds of a backlog burst on an idle fleet at its minimum of one agent; agents started by the coordinator");
        _checks.AddRange(await new ElasticScenario(options, output, cancellationToken).ResponseAsync(rounds));
    }

    /// <summary>Issue 8: a ramp to twice the starting capacity and back; static-max, reactive and predictive fleets.</summary>
    async Task RampAsync()
    {
        Heading("ramp: static fleet at the maximum, reactive scaling and predictive scaling under the same ramp");
        _checks.AddRange(await new ElasticScenario(options, output, cancellationToken).RampAsync(options.Repeat ?? 1));
    }

    FleetScenario Fleet => new(options, output, cancellationToken);

    /// <summary>Issue 10: a simulated fleet heartbeating at 1 Hz for ten minutes.</summary>
    async Task FleetSoakAsync()
    {
        var agents = options.Fleet ?? 1000;
        var duration = options.Duration ?? TimeSpan.FromMinutes(10);
        Heading($"fleet-soak: {agents} simulated agents heartbeating at 1 Hz for {duration.TotalMinutes:0.#} min");
        _checks.AddRange(await Fleet.SoakAsync(agents, duration, agents <= 1000 ? 0.5 : 1.0));
    }

    /// <summary>Issue 10's stretch: five thousand agents for two minutes, on one core.</summary>
    async Task FleetLargeAsync()
    {
        var agents = options.Fleet is { } n ? n * 5 : 5000;
        var duration = options.Duration ?? TimeSpan.FromMinutes(2);
        Heading($"fleet-large: {agents} simulated agents heartbeating at 1 Hz for {duration.TotalMinutes:0.#} min");
        _checks.AddRange(await Fleet.SoakAsync(agents, duration, 1.0));
    }

    async Task FleetKillAsync()
    {
        var agents = options.Fleet ?? 1000;
        Heading($"fleet-kill: {agents} simulated agents, each holding two 20 s tasks; {agents / 10} killed at once");
        _checks.AddRange(await Fleet.KillAsync(agents, agents / 10));
    }

    async Task FleetTasksAsync()
    {
        var agents = options.Fleet ?? 1000;
        var tasks = options.Tasks ?? 2000;
        Heading($"fleet-tasks: {agents} simulated agents while {tasks} tasks run through");
        _checks.AddRange(await Fleet.TasksAsync(agents, tasks));
    }

    async Task FleetSilentAsync()
    {
        var agents = options.Fleet ?? 1000;
        Heading($"fleet-silent: {agents} simulated agents fall silent at once");
        _checks.AddRange(await Fleet.SilentAsync(agents, options.Duration ?? TimeSpan.FromSeconds(60)));
    }

    /// <summary>Starts a system, warms it up, measures it <see cref="Repeat"/> times, stops it; returns the medians.</summary>
    async Task<RunResult> MeasureAsync(Func<BenchSystem> create, Workload work, string label)
    {
        await using var system = await StartAsync(create);
        await WarmUpAsync(system, work);
        return await RepeatAsync(system, work, label);
    }

    async Task<RunResult> RepeatAsync(BenchSystem system, Workload work, string label)
    {
        var runs = new List<RunResult>();
        for (var i = 1; i <= Repeat; i++)
        {
            var run = await system.RunAsync(work, label, cancellationToken);
            output.WriteLine(ResultTable.Line(run with { Label = $"{label} #{i}" }));
            runs.Add(run);
        }
        return RunResult.Median(runs);
    }

    async Task<BenchSystem> StartAsync(Func<BenchSystem> create)
    {
        var system = create();
        var started = DateTime.UtcNow;
        try
        {
            output.WriteLine($"  starting {system.Kind} system: {system.AgentCount} agent(s) on virtual host {system.VirtualHost}");
            await system.StartAsync(cancellationToken);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
        output.WriteLine($"  ready in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        return system;
    }

    async Task WarmUpAsync(BenchSystem system, Workload work)
    {
        // By default one unmeasured pass of the same workload (at most 2000 tasks, 200 of sleep), so JIT
        // tiering and connection set-up are behind every system before its first measured repetition.
        var count = options.Warmup ?? Math.Min(work.Tasks, work.TaskType == "sleep" ? 200 : 2000);
        if (count == 0)
            return;
        var warmUp = await system.RunAsync(work with { Tasks = count, Rate = 0 }, "warm-up", cancellationToken);
        output.WriteLine(ResultTable.Line(warmUp));
    }

    void Heading(string text)
    {
        output.WriteLine();
        output.WriteLine($"== {text} ==");
        output.WriteLine($"  {MachineActivity.Describe()}");
    }

    static string Ratio(double a, double b) => ResultTable.F(a / b, "0.00");
}
