using Coordinator.Ownership;
using Coordinator.Persistence;
using Coordinator.Tasks;
using Coordinator.Tasks.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using TaskStatus = Coordinator.Tasks.TaskStatus;

namespace Coordinator.UnitTests.Ownership;

/// <summary>
/// The ledger's fence, on the local PostgreSQL (scripts/ensure-postgres.sh; ./test.sh starts it before any test): a coordinator
/// that still believes it owns the task path (by its own clock it does: it was paused, say) while a standby has taken the
/// lease to a newer epoch has its next ledger batch refused in the database, whatever it holds in memory. Its rows stay as the
/// owner of the current epoch left them, and it stops.
/// </summary>
public sealed class When_a_stale_owner_writes_the_ledger : IAsyncLifetime
{
    const string Admin = "Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database=coordinator;Timeout=10";
    readonly string _database = $"unit_{Guid.NewGuid():N}";
    readonly List<string> _logged = [];
    ServiceProvider _provider = null!;

    string ConnectionString => $"Host=127.0.0.1;Port=5432;Username=coordinator;Password=coordinator;Database={_database};Timeout=10";

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(Admin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new ListLoggerProvider(_logged)))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = ConnectionString })
            .AddSingleton(new OwnershipOptions())
            .AddSingleton<LeaseStore>()
            .AddSingleton<TaskPathOwnership>()
            .AddSingleton<TaskLedger>()
            .AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>()
            .AddSingleton<TaskLedgerWriter>();
        services.AddDbContextFactory<PostgresCoordinatorDbContext>(db => db.UseNpgsql(ConnectionString));
        services.AddSingleton<IDbContextFactory<CoordinatorDbContext>, CoordinatorDbContextFactory<PostgresCoordinatorDbContext>>();
        _provider = services.BuildServiceProvider(true);
        await using var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext();
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    async Task<TaskRecord?> RowAsync(string taskId)
    {
        await using var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext();
        return await db.Tasks().AsNoTracking().SingleOrDefaultAsync(t => t.TaskId == taskId);
    }

    [Fact]
    public async Task Its_batch_is_refused_at_the_old_epoch_its_rows_stay_as_they_were_and_it_stops()
    {
        var leases = _provider.GetRequiredService<LeaseStore>();
        var ownership = _provider.GetRequiredService<TaskPathOwnership>();
        var ledger = _provider.GetRequiredService<TaskLedger>();
        var lifetime = _provider.GetRequiredService<IHostApplicationLifetime>();
        var writer = _provider.GetRequiredService<TaskLedgerWriter>();
        using var stop = new CancellationTokenSource();
        await writer.StartAsync(stop.Token);
        var bound = TimeSpan.FromSeconds(30);

        // The owner at epoch 1 places a task: written, since it holds the lease.
        var epoch = await leases.TryAcquireAsync(ownership.InstanceId, null, CancellationToken.None);
        Assert.Equal(1, epoch);
        ownership.Hold(1, TimeProvider.System.GetTimestamp() + TimeProvider.System.TimestampFrequency * 3600);
        var now = DateTimeOffset.UtcNow;
        await ledger.RecordDurablyAsync(new TaskUpdate("fenced-1", TaskStatus.Pending, 0, now)
        {
            Created = new TaskRecord { TaskId = "fenced-1", TaskType = "echo", Status = TaskStatus.Pending, SubmittedAt = now, UpdatedAt = now },
        }).WaitAsync(bound);
        await ledger.RecordDurablyAsync(new TaskUpdate("fenced-1", TaskStatus.Assigned, 1, now, r => r.AgentId = "agent-a")).WaitAsync(bound);
        Assert.Equal((TaskStatus.Assigned, "agent-a", 1), await RowAsync("fenced-1") is { } placed ? (placed.Status, placed.AgentId, placed.Attempts) : default);

        // Its lease runs out unseen (it was paused) and a standby takes it: epoch 2. By its own clock it is still the owner.
        await using (var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext())
            await db.Database.ExecuteSqlAsync($"""UPDATE coordinator_leases SET "ExpiresAt" = now() - interval '1 second'""");
        Assert.Equal(2, await leases.TryAcquireAsync("standby", null, CancellationToken.None));
        Assert.True(ownership.IsOwner);

        // What it writes now, as the owner of epoch 1, is refused in the database: the row keeps what epoch 1 wrote while it owned.
        var stale = ledger.RecordDurablyAsync(new TaskUpdate("fenced-1", TaskStatus.Assigned, 2, now, r => r.AgentId = "agent-b"));
        var created = ledger.RecordDurablyAsync(new TaskUpdate("fenced-2", TaskStatus.Pending, 0, now)
        {
            Created = new TaskRecord { TaskId = "fenced-2", TaskType = "echo", Status = TaskStatus.Pending, SubmittedAt = now, UpdatedAt = now },
        });
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
            await Task.WhenAny(stopping.Task, stale).WaitAsync(bound);
        Assert.False(stale.IsCompleted, "the stale owner's batch was written at epoch 1 while the lease was at epoch 2");
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.True(ownership.Lost.IsCancellationRequested);
        Assert.False(ownership.IsOwner);
        Assert.False(stale.IsCompleted); // never told it was written (still): its message goes back to the queue, for the owner
        Assert.False(created.IsCompleted);
        Assert.Equal((TaskStatus.Assigned, "agent-a", 1), await RowAsync("fenced-1") is { } kept ? (kept.Status, kept.AgentId, kept.Attempts) : default);
        Assert.Null(await RowAsync("fenced-2"));
        lock (_logged)
            Assert.Contains(_logged, l => l.Contains("ledger update(s) refused: the task path's lease is no longer this coordinator's at epoch 1"));

        await stop.CancelAsync();
        await writer.StopAsync(CancellationToken.None);
    }

    sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                    lines.Add(formatter(state, exception));
            }
        }
    }
}
