using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Ownership;

/// <summary>
/// The task path's lease in PostgreSQL, each operation one statement timed by the database's clock: taken only when it has run
/// out (its epoch then one higher), renewed only by its holder at its epoch, checked inside a ledger write's transaction.
/// </summary>
public sealed class LeaseStore(IDbContextFactory<CoordinatorDbContext> dbFactory, OwnershipOptions options)
{
    public const string TaskPath = "task-path";

    double TtlSeconds => options.LeaseTtl.TotalSeconds;

    /// <summary>Takes the lease if it is free or has run out; its new epoch, or null when another holds it.</summary>
    public async Task<long?> TryAcquireAsync(string holder, string? url, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var epochs = await db.Database.SqlQuery<long>($"""
            INSERT INTO coordinator_leases ("Name", "Holder", "HolderUrl", "Epoch", "ExpiresAt", "AcquiredAt")
            VALUES ({TaskPath}, {holder}, {url}, 1, now() + make_interval(secs => {TtlSeconds}), now())
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = EXCLUDED."Holder", "HolderUrl" = EXCLUDED."HolderUrl",
                "Epoch" = coordinator_leases."Epoch" + 1, "ExpiresAt" = EXCLUDED."ExpiresAt", "AcquiredAt" = EXCLUDED."AcquiredAt"
            WHERE coordinator_leases."ExpiresAt" < now()
            RETURNING "Epoch" AS "Value"
            """).ToListAsync(cancellationToken);
        return epochs.Count == 1 ? epochs[0] : null;
    }

    /// <summary>Extends the lease by its TTL from now; false when it is no longer this holder's at this epoch.</summary>
    public async Task<bool> RenewAsync(string holder, long epoch, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Database.ExecuteSqlAsync($"""
            UPDATE coordinator_leases SET "ExpiresAt" = now() + make_interval(secs => {TtlSeconds})
            WHERE "Name" = {TaskPath} AND "Holder" = {holder} AND "Epoch" = {epoch}
            """, cancellationToken) == 1;
    }

    /// <summary>Lets the lease go at once (a graceful stop), so a standby need not wait for it to run out.</summary>
    public async Task ReleaseAsync(string holder, long epoch, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE coordinator_leases SET "ExpiresAt" = now() - interval '1 second'
            WHERE "Name" = {TaskPath} AND "Holder" = {holder} AND "Epoch" = {epoch}
            """, cancellationToken);
    }

    /// <summary>Who holds the lease now (or held it last).</summary>
    public async Task<LeaseRecord?> FindAsync(CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<LeaseRecord>().AsNoTracking().SingleOrDefaultAsync(l => l.Name == TaskPath, cancellationToken);
    }

    /// <summary>
    /// Inside a write's transaction: true when the lease is still this holder's at this epoch, and it stays so until the
    /// transaction ends (the row is locked for share: a taker's update waits for the commit). A transaction left idle longer
    /// than the lease's TTL (this coordinator paused, or cut off from the database mid-write: PostgreSQL may not notice for
    /// hours) is ended by the database, so its lock never keeps a standby from taking the lease.
    /// </summary>
    public async Task<bool> StillHeldAsync(CoordinatorDbContext db, string holder, long epoch, CancellationToken cancellationToken)
    {
        var idleLimit = $"{(long)options.LeaseTtl.TotalMilliseconds}ms";
        var epochs = await db.Database.SqlQuery<long>($"""
            SELECT "Epoch" AS "Value" FROM coordinator_leases, set_config('idle_in_transaction_session_timeout', {idleLimit}, true)
            WHERE "Name" = {TaskPath} AND "Holder" = {holder} FOR SHARE OF coordinator_leases
            """).ToListAsync(cancellationToken);
        return epochs.Count == 1 && epochs[0] == epoch;
    }
}
