using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

/// <summary>Applies pending migrations before anything else starts (registered ahead of the bus).</summary>
public sealed partial class DatabaseMigrator(IDbContextFactory<CoordinatorDbContext> factory, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
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
