using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

public sealed class SqliteCoordinatorDbContext(DbContextOptions<SqliteCoordinatorDbContext> options) : CoordinatorDbContext(options);
