using CoordinatorCli.Api;

namespace CoordinatorCli.Tasks;

/// <summary>Where each waited-for task ended up (null: never seen by the coordinator), and whether the wait gave up.</summary>
public sealed record WaitOutcome
{
    public required IReadOnlyList<KeyValuePair<string, TaskView?>> Tasks { get; init; }
    public bool TimedOut { get; init; }
    public TimeSpan Timeout { get; init; }

    public bool AllCompleted => !TimedOut && Tasks.All(t => TaskStatuses.IsCompleted(t.Value?.Status));
}
