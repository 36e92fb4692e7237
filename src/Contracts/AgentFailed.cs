namespace Coordinator.Contracts;

/// <summary>Published when an agent is declared failed; recovery of its work starts from this.</summary>
public sealed record AgentFailed
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset? LastHeartbeat { get; init; }
    /// <summary>Set when the instance failed because a new process took over its agent id (its queue now belongs to the new one).</summary>
    public Guid? ReplacedBy { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
