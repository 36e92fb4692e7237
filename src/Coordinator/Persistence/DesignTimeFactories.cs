using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Coordinator.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's context without starting the host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCoordinatorDbContext>
{
    public SqliteCoordinatorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCoordinatorDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCoordinatorDbContext>
{
    public PostgresCoordinatorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCoordinatorDbContext>().UseNpgsql("Host=127.0.0.1;Database=design").Options);
}
