using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Coordinator.Persistence;

public sealed class SqliteCoordinatorDbContext(DbContextOptions<SqliteCoordinatorDbContext> options) : CoordinatorDbContext(options)
{
    /// <summary>SQLite cannot order or compare DateTimeOffset text: store them as sortable binary numbers.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
