using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Limits;

/// <summary>
/// The task types with a limit, kept in the database (set by the API, seeded from <c>Tasks:Limits</c>) and in memory for
/// placement. A type that has ever been limited is dispatched from its own priority queue (<see cref="QueueOf"/>), so the
/// tasks it holds back wait there and never stand in front of other types' work in <c>coordinator.dispatch</c>.
/// </summary>
public sealed partial class TaskLimits(IDbContextFactory<CoordinatorDbContext> dbFactory, TimeProvider time)
{
    public const int MaxTypeLength = 100;

    readonly ConcurrentDictionary<string, TaskTypeLimit> _limits = new(StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex LimitableType();

    /// <summary>Why a task type cannot carry a limit (its name becomes a queue's), or null.</summary>
    public static string? InvalidType(string taskType) =>
        LimitableType().IsMatch(taskType) ? null
        : $"task type '{taskType}' cannot be limited: a limited type's name is 1-100 letters, digits, '.', '_' or '-'";

    /// <summary>The dispatch queue of a limited type.</summary>
    public static string QueueOf(string taskType) => $"{Contracts.EntityNames.DispatchQueue}.{taskType.ToLowerInvariant()}";

    /// <summary>The type's limit (<see cref="TaskTypeLimit.None"/> when it has none).</summary>
    public TaskTypeLimit For(string taskType) => _limits.GetValueOrDefault(taskType) ?? TaskTypeLimit.None;

    readonly ConcurrentDictionary<string, bool> _routed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the type's tasks go to its own dispatch queue: it has (or had) a limit, and that queue has its consumer here.</summary>
    public bool IsRouted(string taskType) => _routed.ContainsKey(taskType);

    /// <summary>The type's queue is declared and consumed: its tasks may be sent there from now on.</summary>
    public void Routed(string taskType) => _routed[taskType] = true;

    public IReadOnlyDictionary<string, TaskTypeLimit> All => _limits;

    /// <summary>Raised when a limit is set or lifted (after it is stored): placement looks at what waits, a new type gets its queue.</summary>
    public event Action<string>? Changed;

    /// <summary>Reads the stored limits, first storing those configured for types that have none yet.</summary>
    public async Task LoadAsync(IReadOnlyDictionary<string, TaskTypeLimit> configured, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var stored = await db.Set<TaskLimitRecord>().AsNoTracking().ToListAsync(cancellationToken);
        foreach (var (type, limit) in configured)
        {
            if (stored.Any(r => string.Equals(r.TaskType, type, StringComparison.OrdinalIgnoreCase)))
                continue;
            var record = new TaskLimitRecord { TaskType = type, MaxConcurrent = limit.MaxConcurrent, PerSecond = limit.PerSecond, UpdatedAt = time.GetUtcNow() };
            db.Add(record);
            stored.Add(record);
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var record in stored)
            Apply(record.TaskType, new TaskTypeLimit(record.MaxConcurrent, record.PerSecond));
    }

    /// <summary>Sets (or, with <see cref="TaskTypeLimit.None"/>, lifts) a type's limit; the caller has checked it.</summary>
    public async Task SetAsync(string taskType, TaskTypeLimit limit, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var record = await db.Set<TaskLimitRecord>().SingleOrDefaultAsync(r => r.TaskType == taskType, cancellationToken);
        if (record is null)
        {
            // Kept under the spelling it was first limited by (types compare without case).
            record = _limits.Keys.FirstOrDefault(k => string.Equals(k, taskType, StringComparison.OrdinalIgnoreCase)) is { } known
                ? await db.Set<TaskLimitRecord>().SingleAsync(r => r.TaskType == known, cancellationToken)
                : db.Add(new TaskLimitRecord { TaskType = taskType }).Entity;
        }
        record.MaxConcurrent = limit.MaxConcurrent;
        record.PerSecond = limit.PerSecond;
        record.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        Apply(record.TaskType, limit);
    }

    /// <summary>Puts a stored limit in force here (placement sees it at once).</summary>
    public void Apply(string taskType, TaskTypeLimit limit)
    {
        _limits[taskType] = limit;
        Changed?.Invoke(taskType);
    }
}
