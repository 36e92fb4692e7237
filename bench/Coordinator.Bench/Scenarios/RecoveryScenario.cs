using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Reporting;
using Coordinator.Bench.Runs;
using Coordinator.Bench.Systems;

namespace Coordinator.Bench.Scenarios;

/// <summary>
/// Issue 4's targets with a 1 s heartbeat: detection within 3 s, and a killed agent's tasks running
/// elsewhere within 5 s. Under a steady load of sleep tasks, agents are killed (kill -9) and frozen
/// (SIGSTOP) one at a time; for each, the coordinator's own detection time (from the last heartbeat it
/// heard to Failed), the wall time from the kill to Failed, and the time from the kill until every task
/// that was running on the victim has started again on another agent.
/// </summary>
public sealed class RecoveryScenario(int kills, int freezes, TextWriter output, CancellationToken cancellationToken)
{
    const int Agents = 3;
    const int Concurrency = 4;
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    sealed record Round(string Kind, double DetectionSeconds, double KillToFailedSeconds, double RunningElsewhereSeconds, int Moved, string Reason);

    public async Task<IReadOnlyList<TargetCheck>> RunAsync()
    {
        await using var system = new CoordinatedSystem(Agents, Concurrency, "LeastConnections");
        output.WriteLine($"  starting coord system: {Agents} agent(s) × {Concurrency} on virtual host {system.VirtualHost}");
        await system.StartAsync(cancellationToken);

        // Enough 1 s sleeps, arriving at the fleet's pace, to keep every agent busy for the whole scenario.
        var rounds = kills + freezes;
        var work = new Workload(rounds * 12 * Agents * Concurrency / 2 + 200, "sleep", JsonSerializer.SerializeToElement(new { ms = 1000 }),
            Agents * Concurrency * 0.9, TimeSpan.FromMinutes(10));
        output.WriteLine($"  load: {work.Describe()}");
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var load = system.RunAsync(work, "load", stopLoad.Token);

        var results = new List<Round>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken); // the load reaches every agent
            for (var i = 0; i < rounds; i++)
            {
                var victim = system.AgentIds[i % Agents];
                var round = i < kills ? await KillAsync(system, victim) : await FreezeAsync(system, victim);
                results.Add(round);
                output.WriteLine($"  {round.Kind,-6} {victim}: detected {round.DetectionSeconds:0.00} s after its last heartbeat " +
                                 $"(kill to Failed {round.KillToFailedSeconds:0.00} s); {round.Moved} running task(s) started elsewhere " +
                                 $"{round.RunningElsewhereSeconds:0.00} s after the kill; reason: {round.Reason}");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // the fleet settles before the next victim
            }
        }
        finally
        {
            await stopLoad.CancelAsync();
            try { await load; } catch (OperationCanceledException) { }
        }

        var checks = new List<TargetCheck>();
        foreach (var kind in new[] { "kill", "freeze" })
        {
            var of = results.Where(r => r.Kind == kind).ToList();
            if (of.Count == 0)
                continue;
            var detection = of.Select(r => r.DetectionSeconds).Order().ToList();
            var elsewhere = of.Where(r => r.Moved > 0).Select(r => r.RunningElsewhereSeconds).Order().ToList();
            output.WriteLine($"  {kind}: detection median {Median(detection):0.00} s, max {detection[^1]:0.00} s; " +
                             (elsewhere.Count > 0 ? $"running elsewhere median {Median(elsewhere):0.00} s, max {elsewhere[^1]:0.00} s" : "no running task to move"));
            checks.Add(new TargetCheck($"recovery ({kind})", "detection <= 3 s after the last heartbeat (every round)",
                $"median {Median(detection):0.00} s, max {detection[^1]:0.00} s over {of.Count} rounds", detection[^1] <= 3.0));
            if (elsewhere.Count > 0)
                checks.Add(new TargetCheck($"recovery ({kind})", "the victim's running tasks running elsewhere <= 5 s after the kill (every round)",
                    $"median {Median(elsewhere):0.00} s, max {elsewhere[^1]:0.00} s over {elsewhere.Count} rounds", elsewhere[^1] <= 5.0));
        }
        return checks;
    }

    static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];

    async Task<Round> KillAsync(CoordinatedSystem system, string victim)
    {
        var running = await RunningOnAsync(system, victim);
        var clock = Stopwatch.StartNew();
        var killedAt = DateTimeOffset.UtcNow;
        system.AgentProcess(victim).Kill();
        var failed = await FailedAsync(system, victim);
        var killToFailed = clock.Elapsed.TotalSeconds;
        var (elsewhere, moved) = await StartedElsewhereAsync(system, victim, running, killedAt);
        await system.RestartAgentAsync(victim);
        await ActiveAsync(system, victim);
        return new Round("kill", Detection(failed), killToFailed, elsewhere, moved, failed.GetProperty("stateReason").GetString() ?? "");
    }

    async Task<Round> FreezeAsync(CoordinatedSystem system, string victim)
    {
        var running = await RunningOnAsync(system, victim);
        var clock = Stopwatch.StartNew();
        var frozenAt = DateTimeOffset.UtcNow;
        var process = system.AgentProcess(victim);
        process.Pause();
        try
        {
            var failed = await FailedAsync(system, victim);
            var frozenToFailed = clock.Elapsed.TotalSeconds;
            var (elsewhere, moved) = await StartedElsewhereAsync(system, victim, running, frozenAt);
            return new Round("freeze", Detection(failed), frozenToFailed, elsewhere, moved, failed.GetProperty("stateReason").GetString() ?? "");
        }
        finally
        {
            process.Resume();
            await ActiveAsync(system, victim);
        }
    }

    static double Detection(JsonElement agent) =>
        (agent.GetProperty("updatedAt").GetDateTimeOffset() - agent.GetProperty("lastHeartbeat").GetDateTimeOffset()).TotalSeconds;

    async Task<List<string>> RunningOnAsync(CoordinatedSystem system, string agentId)
    {
        var page = await system.Api.GetFromJsonAsync<JsonElement>("/api/tasks?status=Running&pageSize=1000", Json, cancellationToken);
        return page.GetProperty("items").EnumerateArray()
            .Where(t => t.GetProperty("agentId").GetString() == agentId)
            .Select(t => t.GetProperty("taskId").GetString()!)
            .ToList();
    }

    Task<JsonElement> FailedAsync(CoordinatedSystem system, string agentId) =>
        Poll.ValueAsync(async () => await system.Api.GetFromJsonAsync<JsonElement>($"/api/agents/{agentId}", Json, cancellationToken),
            a => a.GetProperty("state").GetString() == "Failed", TimeSpan.FromSeconds(30), $"agent {agentId} to be Failed", cancellationToken);

    async Task ActiveAsync(CoordinatedSystem system, string agentId) =>
        await Poll.ValueAsync(async () => await system.Api.GetFromJsonAsync<JsonElement>($"/api/agents/{agentId}", Json, cancellationToken),
            a => a.GetProperty("state").GetString() == "Active", TimeSpan.FromSeconds(60), $"agent {agentId} to be Active again", cancellationToken);

    /// <summary>
    /// Seconds from <paramref name="since"/> until every one of the tasks that was still running on the victim has
    /// started on another agent; a task the victim finished just before it died (the snapshot lags) is left out.
    /// Returns the time and how many tasks moved (NaN, 0 when none).
    /// </summary>
    async Task<(double Seconds, int Moved)> StartedElsewhereAsync(CoordinatedSystem system, string victim, List<string> taskIds, DateTimeOffset since)
    {
        var latest = double.NaN;
        var moved = 0;
        foreach (var taskId in taskIds)
        {
            var task = await Poll.ValueAsync(
                async () => await system.Api.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}", Json, cancellationToken),
                t => FinishedOnVictim(t, victim) || StartedElsewhere(t, victim, since),
                TimeSpan.FromSeconds(30), $"task {taskId} to start again on another agent", cancellationToken);
            if (FinishedOnVictim(task, victim))
                continue;
            moved++;
            var seconds = (task.GetProperty("startedAt").GetDateTimeOffset() - since).TotalSeconds;
            latest = double.IsNaN(latest) ? seconds : Math.Max(latest, seconds);
        }
        return (latest, moved);
    }

    static bool FinishedOnVictim(JsonElement task, string victim) =>
        task.GetProperty("status").GetString() == "Completed" && task.GetProperty("agentId").GetString() == victim;

    static bool StartedElsewhere(JsonElement task, string victim, DateTimeOffset since) =>
        task.GetProperty("agentId").GetString() is { } agent && agent != victim
        && task.TryGetProperty("startedAt", out var started) && started.ValueKind == JsonValueKind.String
        && started.GetDateTimeOffset() > since;
}
