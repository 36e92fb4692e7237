namespace Coordinator.Contracts;

/// <summary>
/// An agent's answer to <see cref="ReleaseAssignment"/>, on <c>coordinator.task-events</c>. <see cref="Released"/>: the
/// attempt was waiting and will never run here, so it may be placed elsewhere; otherwise <see cref="Reason"/> says why
/// not (it has started, or it is not held here).
/// </summary>
public sealed record AssignmentReleased
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    public bool Released { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
