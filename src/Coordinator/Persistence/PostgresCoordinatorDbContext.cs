using Microsoft.EntityFrameworkCore;

namespace Coordinator.Persistence;

public sealed class PostgresCoordinatorDbContext(DbContextOptions<PostgresCoordinatorDbContext> options) : CoordinatorDbContext(options);
