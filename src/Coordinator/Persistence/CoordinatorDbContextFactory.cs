using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

/// <summary>Hands out the configured provider's context as the base type.</summary>
public sealed class CoordinatorDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<CoordinatorDbContext>
    where TContext : CoordinatorDbContext
{
    public CoordinatorDbContext CreateDbContext() => inner.CreateDbContext();
}
