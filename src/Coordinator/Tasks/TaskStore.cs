using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks;

public static class TaskStore
{
    /// <summary>The ledger's table (one row per task).</summary>
    public static DbSet<TaskRecord> Tasks(this CoordinatorDbContext db) => db.Set<TaskRecord>();
}
