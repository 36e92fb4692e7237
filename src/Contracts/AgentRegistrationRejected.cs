namespace Coordinator.Contracts;

/// <summary>Published when a registration is refused; <see cref="Reason"/> names the problem.</summary>
public sealed record AgentRegistrationRejected
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
