namespace Coordinator.Tasks;

/// <summary>When an attempt must end: the task's own deadline, or the task timeout after it was assigned, whichever is sooner.</summary>
public static class DeadlineRule
{
    public static DateTimeOffset For(DateTimeOffset? taskDeadline, DateTimeOffset assignedAt, TimeSpan taskTimeout) =>
        taskDeadline is { } own && own < assignedAt + taskTimeout ? own : assignedAt + taskTimeout;
}
