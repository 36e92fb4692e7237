namespace Coordinator.Contracts;

/// <summary>Published on every transition of an agent's lifecycle state machine.</summary>
public sealed record AgentStateChanged
{
    public string AgentId { get; init; } = "";
    public string PreviousState { get; init; } = "";
    public string State { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
