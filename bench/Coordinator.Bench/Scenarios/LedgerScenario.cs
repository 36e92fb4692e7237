using System.Diagnostics;
using System.Text.RegularExpressions;
using Coordinator.Bench.Systems;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;

namespace Coordinator.Bench.Scenarios;

/// <summary>
/// The ledger at size (issue 13): a million finished tasks written straight into the coordinator's database (SQLite, then
/// PostgreSQL), then what the API's listings and the dashboard's reads cost over them (medians of 20 GETs each, one after
/// another), then one retention run that prunes the older half.
/// </summary>
public sealed partial class LedgerScenario(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
{
    const int Types = 20, Reads = 20;
    const string RareType = "rare-type";
    static readonly TimeSpan Span = TimeSpan.FromDays(30);

    int Rows => options.Tasks ?? 1_000_000;

    public async Task RunAsync()
    {
        output.WriteLine();
        output.WriteLine($"== ledger: {Rows:N0} finished tasks over {Span.TotalDays:0} days, listings and retention ==");
        var directory = Path.Combine(Path.GetTempPath(), "coordinator-bench", $"ledger-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(directory);
        try
        {
            var sqlite = $"Data Source={Path.Combine(directory, "ledger.db")}";
            await MeasureAsync("SQLite", new Dictionary<string, string> { ["Database__Provider"] = "Sqlite", ["Database__ConnectionString"] = sqlite },
                () => SeedSqliteAsync(sqlite));
            var database = $"bench_{Guid.NewGuid():N}";
            await using (var admin = new NpgsqlConnection(PostgresAdmin))
            {
                await admin.OpenAsync(cancellationToken);
                await new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin).ExecuteNonQueryAsync(cancellationToken);
            }
            var postgres = $"Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database={database}";
            try
            {
                await MeasureAsync("PostgreSQL", new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["Database__ConnectionString"] = postgres },
                    () => SeedPostgresAsync(postgres));
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(PostgresAdmin);
                await admin.OpenAsync(CancellationToken.None);
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin).ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    const string PostgresAdmin = "Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database=coordinator;Timeout=10";

    async Task MeasureAsync(string name, Dictionary<string, string> database, Func<Task> seed)
    {
        // The coordinator makes the schema (its migrations), the rows are written beside it, then it is started on them.
        await using (var schema = new CoordinatedSystem(0, 1, "LeastConnections", database))
            await schema.StartAsync(cancellationToken);
        var watch = Stopwatch.StartNew();
        await seed();
        output.WriteLine($"  {name}: {Rows:N0} rows written in {watch.Elapsed.TotalSeconds:0.0} s");

        var keepAll = new Dictionary<string, string>(database) { ["Tasks__Retention"] = "00:00:00" };
        await using (var system = new CoordinatedSystem(0, 1, "LeastConnections", keepAll))
        {
            await system.StartAsync(cancellationToken);
            output.WriteLine($"  | {name}, {Rows:N0} tasks | median of {Reads} | what it answers |");
            output.WriteLine("  | --- | --- | --- |");
            foreach (var (label, path) in new (string, string)[]
                     {
                         ("newest page (50)", "/api/tasks"),
                         ("page 100 (50)", "/api/tasks?page=100"),
                         ("status=Completed (95%)", "/api/tasks?status=Completed"),
                         ("status=DeadLettered (2%)", "/api/tasks?status=DeadLettered"),
                         ("type=type-07 (5%)", "/api/tasks?type=type-07"),
                         ($"type={RareType} (0.01%)", $"/api/tasks?type={RareType}"),
                         ("one task", $"/api/tasks/task-{Rows / 2:0000000}"),
                         ("/api/metrics (dashboard)", "/api/metrics"),
                         ("/metrics (Prometheus)", "/metrics"),
                     })
            {
                var (median, total) = await TimeAsync(system.Api, path);
                output.WriteLine($"  | `{label}` | {median:0.0} ms | {total} |");
            }
        }

        // Retention: the older half has ended more than 15 days ago.
        var prune = new Dictionary<string, string>(database) { ["Tasks__Retention"] = "15.00:00:00", ["Tasks__RetentionInterval"] = "00:00:01" };
        await using (var system = new CoordinatedSystem(0, 1, "LeastConnections", prune))
        {
            await system.StartAsync(cancellationToken);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
            Match? pruned = null;
            while (DateTime.UtcNow < deadline && (pruned = Pruned().Match(system.CoordinatorOutput)) is { Success: false })
                await Task.Delay(500, cancellationToken);
            output.WriteLine(pruned is { Success: true }
                ? $"  {name} retention: {int.Parse(pruned.Groups[1].Value):N0} tasks pruned in one run, {pruned.Groups[2].Value} ms"
                : $"  {name} retention: no run finished within 10 minutes");
        }
    }

    [GeneratedRegex(@"Ledger retention: (\d+) task\(s\).*pruned in (\d+) ms")]
    private static partial Regex Pruned();

    async Task<(double MedianMs, string Total)> TimeAsync(HttpClient api, string path)
    {
        var times = new List<double>();
        string total = "";
        for (var i = 0; i < Reads; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await api.GetAsync(path, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            times.Add(watch.Elapsed.TotalMilliseconds);
            response.EnsureSuccessStatusCode();
            if (TotalOf().Match(body) is { Success: true } m)
                total = body.Contains("\"totalCapped\":true", StringComparison.Ordinal)
                    ? $"more than {long.Parse(m.Groups[1].Value):N0} matching (counted so far)"
                    : $"{long.Parse(m.Groups[1].Value):N0} matching";
        }
        times.Sort();
        return (times[times.Count / 2], total);
    }

    [GeneratedRegex("\"total\":(\\d+)")]
    private static partial Regex TotalOf();

    /// <summary>Row i: submitted evenly over the last 30 days (the newest last), ended 2 s later; 95% Completed.</summary>
    static (string Id, string Type, string Status, DateTimeOffset Submitted, DateTimeOffset Finished) Row(int i, int rows, DateTimeOffset now)
    {
        var submitted = now - Span + TimeSpan.FromTicks(Span.Ticks / rows * i);
        var status = (i % 100) switch { 0 or 1 => "DeadLettered", 2 => "TimedOut", 3 => "Cancelled", 4 => "Rejected", _ => "Completed" };
        var type = i % 10_000 == 5 ? RareType : $"type-{i % Types:00}";
        return ($"task-{i:0000000}", type, status, submitted, submitted.AddSeconds(2));
    }

    async Task SeedSqliteAsync(string connectionString)
    {
        var binary = new DateTimeOffsetToBinaryConverter();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO tasks (TaskId, TaskType, Status, AgentId, Attempts, Priority, RequiredCapabilities, CpuCores, MemoryMb, DiskMb,
                               SubmittedAt, AssignedAt, StartedAt, FinishedAt, Result, UpdatedAt)
            VALUES ($id, $type, $status, 'agent-1', 1, 0, '[]', 0, 0, 0, $submitted, $submitted, $submitted, $finished, '{"ok":true}', $finished)
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var status = insert.Parameters.Add("$status", SqliteType.Text);
        var submitted = insert.Parameters.Add("$submitted", SqliteType.Integer);
        var finished = insert.Parameters.Add("$finished", SqliteType.Integer);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Rows; i++)
        {
            var row = Row(i, Rows, now);
            (id.Value, type.Value, status.Value) = (row.Id, row.Type, row.Status);
            submitted.Value = binary.ConvertToProvider(row.Submitted);
            finished.Value = binary.ConvertToProvider(row.Finished);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    async Task SeedPostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync("""
                         COPY tasks ("TaskId", "TaskType", "Status", "AgentId", "Attempts", "Priority", "RequiredCapabilities", "CpuCores",
                                     "MemoryMb", "DiskMb", "SubmittedAt", "AssignedAt", "StartedAt", "FinishedAt", "Result", "UpdatedAt") FROM STDIN (FORMAT BINARY)
                         """, cancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < Rows; i++)
            {
                var row = Row(i, Rows, now);
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(row.Id, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(row.Type, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(row.Status, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync("agent-1", NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(1, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(0.0, NpgsqlDbType.Double, cancellationToken);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(0L, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(row.Submitted, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(row.Submitted, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(row.Submitted, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(row.Finished, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync("{\"ok\":true}", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.Finished, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await new NpgsqlCommand("ANALYZE tasks", connection).ExecuteNonQueryAsync(cancellationToken);
    }
}
