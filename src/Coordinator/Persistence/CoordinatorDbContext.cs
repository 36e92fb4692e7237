using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

/// <summary>
/// The coordinator's database: agent sagas (and, later, the task ledger). Each provider has a
/// derived context with its own migrations; code depends on this base type only.
/// </summary>
public abstract class CoordinatorDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>Each capability maps its own tables (its IEntityTypeConfiguration classes) and reads them with Set&lt;T&gt;().</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CoordinatorDbContext).Assembly);

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>Optimistic concurrency: every update carries the version it read and writes the next one.</summary>
    void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
                entry.Entity.Version++;
        }
    }
}
