using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Systems;
using Npgsql;

namespace Coordinator.Bench.Scenarios;

/// <summary>
/// Takeover of the task path (issue 14): two coordinators on one PostgreSQL database with the default lease (3 s), two agents.
/// Each round kills the owner with <c>kill -9</c>, submits a task through the standby at once, and times the standby's
/// takeover (its <c>/health/owner</c> answers 200) and the first task placed after the kill (the task's <c>assignedAt</c>,
/// against the moment of the kill, on this one machine's clock); then starts the killed one again as the next standby.
/// </summary>
public sealed class TakeoverScenario(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
{
    const string PostgresAdmin = "Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database=coordinator;Timeout=10";

    int Rounds => options.Repeat ?? 5;

    public async Task RunAsync()
    {
        output.WriteLine();
        output.WriteLine($"== takeover: the owner killed (kill -9) {Rounds} times; two coordinators on PostgreSQL, default lease ==");
        output.WriteLine($"  {MachineActivity.Describe()}");
        var database = $"bench_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync(cancellationToken);
            await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin).ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await MeasureAsync($"Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database={database}");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync(CancellationToken.None);
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin).ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    async Task MeasureAsync(string connectionString)
    {
        var settings = new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["Database__ConnectionString"] = connectionString };
        await using var system = new CoordinatedSystem(2, options.Concurrency, options.Strategy, settings) { Overrides = options.Settings };
        await system.StartAsync(cancellationToken);
        var coordinators = new List<(HostProcess Process, HttpClient Api)> { (system.Coordinator!, system.Api) };
        coordinators.Add(await system.StartAnotherCoordinatorAsync("standby-1", cancellationToken));

        output.WriteLine("  | round | standby owns the task path | first task placed |");
        output.WriteLine("  | --- | --- | --- |");
        var owned = new List<double>();
        var placed = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            var owner = await OwnerAsync(coordinators, $"an owner before round {round}");
            var standby = coordinators.Single(c => c != owner);
            // Settled: the standby has seen the owner (it answers 503 on /health/owner).
            var killedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            owner.Process.Kill();
            coordinators.Remove(owner);
            var probe = await SubmitAsync(standby.Api, $"takeover-probe-{round}");
            await Poll.UntilAsync(async () => await OwnsAsync(standby.Api), TimeSpan.FromSeconds(60), "the standby to own the task path",
                system.Diagnostics, cancellationToken);
            var ownedAfter = clock.Elapsed.TotalSeconds;
            DateTimeOffset? assignedAt = null;
            await Poll.UntilAsync(async () =>
                {
                    var task = await standby.Api.GetFromJsonAsync<JsonElement>($"/api/tasks/{probe}", cancellationToken);
                    assignedAt = task.TryGetProperty("assignedAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null;
                    return assignedAt is not null;
                }, TimeSpan.FromSeconds(60), "the first task to be placed", system.Diagnostics, cancellationToken);
            var placedAfter = (assignedAt!.Value - killedAt).TotalSeconds;
            owned.Add(ownedAfter);
            placed.Add(placedAfter);
            output.WriteLine($"  | {round} | {ownedAfter:0.00} s | {placedAfter:0.00} s |");
            coordinators.Add(await system.StartAnotherCoordinatorAsync($"standby-{round + 1}", cancellationToken));
        }
        output.WriteLine($"  | median | {Median(owned):0.00} s | {Median(placed):0.00} s |");
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    static async Task<bool> OwnsAsync(HttpClient api)
    {
        try
        {
            using var response = await api.GetAsync("/health/owner");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    async Task<(HostProcess Process, HttpClient Api)> OwnerAsync(List<(HostProcess Process, HttpClient Api)> coordinators, string what)
    {
        (HostProcess Process, HttpClient Api)? owner = null;
        await Poll.UntilAsync(async () =>
            {
                owner = null;
                foreach (var c in coordinators)
                    if (await OwnsAsync(c.Api))
                        owner = c;
                if (owner is null || coordinators.Count != 2)
                    return false;
                // and the other one is up, a standby that has seen it
                using var other = await coordinators.Single(c => c != owner.Value).Api.GetAsync("/health/owner", cancellationToken);
                return other.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, TimeSpan.FromSeconds(60), what, () => "", cancellationToken);
        return owner!.Value;
    }

    /// <summary>A task through the standby (published to the broker for whichever coordinator owns the path); its id.</summary>
    async Task<string> SubmitAsync(HttpClient api, string taskId)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await api.PostAsJsonAsync("/api/tasks", new { taskId, taskType = "echo", payload = new { } }, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
                return taskId;
            if (attempt >= 50)
                throw new InvalidOperationException($"the standby did not take a task: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            await Task.Delay(100, cancellationToken);
        }
    }
}
