using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Reporting;
using Coordinator.Bench.Runs;
using Coordinator.Bench.Systems;

namespace Coordinator.Bench.Scenarios;

/// <summary>
/// Issue 8: the ScalingManager on the real system, agents started by the coordinator itself (local processes).
/// <list type="bullet">
/// <item>Response: an idle fleet at its minimum of one agent gets a burst that puts the backlog over its threshold; the time
/// from the crossing (the publish that made two tasks wait with no free slot confirmed) until a new agent is Active
/// (registered, on the coordinator's clock, on this machine). Rounds are separated by the fleet shrinking back.</item>
/// <item>Ramp: the arrival rate rises from zero to twice the starting fleet's capacity over a minute and falls back over a
/// minute; the wait before a task starts (p95) and the agent-seconds spent, for a static fleet at the maximum, reactive
/// scaling and predictive scaling, each on a fresh system in the same run.</item>
/// </list>
/// Every run also counts tasks lost (not completed) and started more than once.
/// </summary>
public sealed class ElasticScenario(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
{
    const int Concurrency = 4;
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Shortened only where it separates rounds; the check interval, cooldowns and thresholds are the defaults.</summary>
    static Dictionary<string, string> Scaled(int min, int max, bool predictive = false, string stabilization = "00:00:30") => new()
    {
        ["Scaling__Enabled"] = "true",
        ["Scaling__MinAgents"] = min.ToString(CultureInfo.InvariantCulture),
        ["Scaling__MaxAgents"] = max.ToString(CultureInfo.InvariantCulture),
        ["Scaling__Predictive"] = predictive ? "true" : "false",
        ["Scaling__ScaleDownStabilization"] = stabilization,
        ["Scaling__Profiles__0__Name"] = "bench",
        ["Scaling__Profiles__0__Capabilities"] = "echo,sleep,compute",
        ["Scaling__Profiles__0__Concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture),
    };

    public async Task<IReadOnlyList<TargetCheck>> ResponseAsync(int rounds)
    {
        await using var system = new CoordinatedSystem(1, Concurrency, options.Strategy,
            Scaled(1, 3, stabilization: "00:00:03").Concat(new Dictionary<string, string> { ["Scaling__ScaleDownCooldown"] = "00:00:01" })
                .ToDictionary(), scaledFleet: true);
        output.WriteLine($"  starting scaled system: min 1, max 3 agents × {Concurrency}, checks every 2 s, on virtual host {system.VirtualHost}");
        await system.StartAsync(cancellationToken);
        // 24 tasks of 2 s: 6 fit the agent (4 running, 2 buffered); the 8th confirmed publish leaves 2 waiting with no free slot.
        var burst = new Workload(24, "sleep", JsonSerializer.SerializeToElement(new { ms = 2000 }), 0, options.Timeout);
        const int crossingIndex = Concurrency + 2 + 1;
        var responses = new List<double>();
        var decisionToActive = new List<double>();
        var lost = 0;
        var twice = 0;
        for (var round = 1; round <= rounds; round++)
        {
            await WaitForFleetAsync(system, 1);
            var before = (await ActiveAgentsAsync(system)).Select(a => a.Id).ToHashSet();
            var run = system.RunAsync(burst, $"burst {round}", cancellationToken);
            var (agentId, registeredAt) = await Poll.ValueAsync(async () => (await ActiveAgentsAsync(system)).FirstOrDefault(a => !before.Contains(a.Id)),
                a => a.Id is not null, TimeSpan.FromSeconds(60), "a new agent to be Active", cancellationToken);
            var crossedAt = system.Current?.ConfirmedAt(crossingIndex) ?? throw new InvalidOperationException("the burst was not confirmed");
            var result = await run;
            lost += result.Tasks - result.Completed;
            twice += result.Restarted;
            var response = (registeredAt - crossedAt).TotalSeconds;
            responses.Add(response);
            var scaling = await system.Api.GetFromJsonAsync<JsonElement>("/api/scaling", Json, cancellationToken);
            var last = scaling.GetProperty("responseSeconds").GetProperty("last").GetDouble();
            decisionToActive.Add(last);
            output.WriteLine($"  round {round}: backlog over the threshold at {crossedAt:HH:mm:ss.fff}, {agentId} Active {response:0.00} s later " +
                             $"(decision to Active {last:0.00} s); {result.Completed} of {result.Tasks} completed, {result.Restarted} started twice");
        }
        var median = Median(responses);
        output.WriteLine($"  response median {median:0.00} s, max {responses.Max():0.00} s over {rounds} rounds; decision to Active median " +
                         $"{Median(decisionToActive):0.00} s");
        output.WriteLine($"  {MachineActivity.Describe()}");
        return
        [
            new TargetCheck("scale-response", "backlog over threshold to a new agent Active <= 10 s (design: < 2 min)",
                $"median {median:0.00} s, max {responses.Max():0.00} s over {rounds} rounds", median <= 10),
            new TargetCheck("scale-response", "no task lost or started twice", $"{lost} lost, {twice} started twice", lost == 0 && twice == 0),
        ];
    }

    public async Task<IReadOnlyList<TargetCheck>> RampAsync(int repeat)
    {
        const int min = 2, max = 5;
        var capacity = min * Concurrency; // tasks/s at 1 s per task
        var ramp = Workload.Ramp(2.0 * capacity, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), "sleep",
            JsonSerializer.SerializeToElement(new { ms = 1000 }), TimeSpan.FromMinutes(5));
        output.WriteLine($"  load: {ramp.Describe()}; starting fleet {min} × {Concurrency} = {capacity} tasks/s; maximum {max} agents");
        if (options.Settings.Count > 0)
            output.WriteLine($"  scaled systems' settings beyond the defaults: {string.Join(", ", options.Settings.Select(kv => $"{kv.Key}={kv.Value}"))}");

        var systems = new (string Label, Func<CoordinatedSystem> Create)[]
        {
            ($"static {max}", () => new CoordinatedSystem(max, Concurrency, options.Strategy)),
            ("reactive", () => new CoordinatedSystem(min, Concurrency, options.Strategy, Scaled(min, max), scaledFleet: true) { Overrides = options.Settings }),
            ("predictive", () => new CoordinatedSystem(min, Concurrency, options.Strategy, Scaled(min, max, predictive: true), scaledFleet: true)
                { Overrides = options.Settings }),
        };
        var rows = new List<RampRow>();
        foreach (var (label, create) in systems)
        {
            await using var system = create();
            output.WriteLine($"  starting {label} system on virtual host {system.VirtualHost}");
            await system.StartAsync(cancellationToken);
            var runs = new List<RampRow>();
            for (var i = 1; i <= repeat; i++)
            {
                await WaitForFleetAsync(system, system.AgentCount);
                await using var sampler = new FleetSampler(system.Api);
                sampler.Start();
                var result = await system.RunAsync(ramp, label, cancellationToken);
                await sampler.StopAsync();
                var row = new RampRow(label, result.Assignment, sampler.AgentSeconds, sampler.MaxAgents, result.Tasks - result.Completed, result.Restarted,
                    result.ElapsedSeconds);
                output.WriteLine($"  {label} #{i}: {row}");
                runs.Add(row);
            }
            rows.Add(RampRow.Median(runs));
        }
        output.WriteLine();
        output.WriteLine($"  {"system",-12} {"wait p50 / p95 / p99 ms",-28} {"agent-s",8} {"max",4} {"lost",5} {"twice",6}");
        foreach (var row in rows)
            output.WriteLine($"  {row.Label,-12} {row.Wait.Format(),-28} {row.AgentSeconds,8:0} {row.MaxAgents,4} {row.Lost,5} {row.Twice,6}");
        output.WriteLine($"  {MachineActivity.Describe()}");

        var (fixedFleet, reactive, predictive) = (rows[0], rows[1], rows[2]);
        return
        [
            new TargetCheck("ramp", "reactive p95 wait <= 3 × static-max's, at <= 60 % of its agent-seconds",
                $"p95 {reactive.Wait.P95:0} ms vs {fixedFleet.Wait.P95:0} ms ({Ratio(reactive.Wait.P95, fixedFleet.Wait.P95)} ×), agent-seconds " +
                $"{reactive.AgentSeconds:0} vs {fixedFleet.AgentSeconds:0} ({Ratio(reactive.AgentSeconds, fixedFleet.AgentSeconds)} ×)",
                reactive.Wait.P95 <= 3 * fixedFleet.Wait.P95 && reactive.AgentSeconds <= 0.6 * fixedFleet.AgentSeconds),
            new TargetCheck("ramp", "predictive p95 wait >= 30 % better than reactive's, at <= 110 % of its agent-seconds",
                $"p95 {predictive.Wait.P95:0} ms vs {reactive.Wait.P95:0} ms ({Ratio(predictive.Wait.P95, reactive.Wait.P95)} ×), agent-seconds " +
                $"{predictive.AgentSeconds:0} vs {reactive.AgentSeconds:0} ({Ratio(predictive.AgentSeconds, reactive.AgentSeconds)} ×)",
                predictive.Wait.P95 <= 0.7 * reactive.Wait.P95 && predictive.AgentSeconds <= 1.1 * reactive.AgentSeconds),
            new TargetCheck("ramp", "no task lost or started twice through scale-ups and scale-downs",
                string.Join(", ", rows.Select(r => $"{r.Label}: {r.Lost} lost, {r.Twice} twice")), rows.All(r => r.Lost == 0 && r.Twice == 0)),
        ];
    }

    sealed record RampRow(string Label, Percentiles Wait, double AgentSeconds, int MaxAgents, int Lost, int Twice, double Elapsed)
    {
        public override string ToString() =>
            $"wait p50/p95/p99 {Wait.Format()} ms, {AgentSeconds:0} agent-seconds (max {MaxAgents} agents) over {Elapsed:0} s; {Lost} lost, {Twice} started twice";

        public static RampRow Median(List<RampRow> runs) => runs.Count == 1 ? runs[0] : new RampRow(runs[0].Label,
            new Percentiles(Med(runs, r => r.Wait.P50), Med(runs, r => r.Wait.P95), Med(runs, r => r.Wait.P99), Med(runs, r => r.Wait.Max)),
            Med(runs, r => r.AgentSeconds), (int)Med(runs, r => r.MaxAgents), runs.Sum(r => r.Lost), runs.Sum(r => r.Twice), Med(runs, r => r.Elapsed));

        static double Med(List<RampRow> runs, Func<RampRow, double> figure)
        {
            var values = runs.Select(figure).Order().ToList();
            return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
        }
    }

    /// <summary>Waits until the fleet is back to <paramref name="size"/> agents, none starting or draining.</summary>
    async Task WaitForFleetAsync(CoordinatedSystem system, int size) =>
        await Poll.UntilAsync(async () =>
            {
                var scaling = await system.Api.GetFromJsonAsync<JsonElement>("/api/scaling", Json, cancellationToken);
                var runs = scaling.GetProperty("agents").EnumerateArray().ToList();
                var active = await ActiveAgentsAsync(system);
                return active.Count == size && runs.All(r => r.GetProperty("phase").GetString() == "Running");
            },
            TimeSpan.FromMinutes(3), $"the fleet to settle at {size} agents", system.Diagnostics, cancellationToken);

    async Task<List<(string Id, DateTimeOffset RegisteredAt)>> ActiveAgentsAsync(CoordinatedSystem system)
    {
        var agents = await system.Api.GetFromJsonAsync<JsonElement>("/api/agents", Json, cancellationToken);
        return agents.EnumerateArray().Where(a => a.GetProperty("state").GetString() == "Active")
            .Select(a => (a.GetProperty("agentId").GetString()!, a.GetProperty("registeredAt").GetDateTimeOffset())).ToList();
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static string Ratio(double a, double b) => ResultTable.F(a / b, "0.00");
}
