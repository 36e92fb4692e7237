using Coordinator.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

public static class PersistenceRegistration
{
    /// <summary>The coordinator's database for the configured provider, migrated at start.</summary>
    public static IServiceCollection AddCoordinatorPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();

        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContextFactory<PostgresCoordinatorDbContext>(db => db.UseNpgsql(options.ConnectionString));
                services.AddSingleton<IDbContextFactory<CoordinatorDbContext>,
                    CoordinatorDbContextFactory<PostgresCoordinatorDbContext>>();
                break;
            default:
                services.AddDbContextFactory<SqliteCoordinatorDbContext>(db => db.UseSqlite(options.ConnectionString));
                services.AddSingleton<IDbContextFactory<CoordinatorDbContext>,
                    CoordinatorDbContextFactory<SqliteCoordinatorDbContext>>();
                break;
        }

        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
