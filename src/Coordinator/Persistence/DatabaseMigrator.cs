using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

/// <summary>Applies pending migrations before anything else starts (registered ahead of the bus).</summary>
public sealed partial class DatabaseMigrator(IDbContextFactory<CoordinatorDbContext> factory, ILogger<DatabaseMigrator> logger) : IHostedService
{
    /// <summary>The advisory lock's key that coordinators starting together on one PostgreSQL database take turns on.</summary>
    const long MigrationLock = 0x636F6F7264_6D6967; // "coord" "mig"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var postgres = db.Database.IsNpgsql();
        if (postgres)
        {
            // Several coordinators started at once on a new database (scripts/run-ha.sh, a rolling deployment) migrate one at a
            // time: without it the second failed ("relation tasks already exists") and exited. Held on this open connection.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
        }
        try
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                LogMigrating(string.Join(", ", pending));
                await db.Database.MigrateAsync(cancellationToken);
            }
        }
        finally
        {
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
        if (db.Database.IsSqlite())
        {
            // WAL lets the API and the sweep read while the saga writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Applying database migrations {Migrations}")]
    partial void LogMigrating(string migrations);
}
