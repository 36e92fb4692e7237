namespace Coordinator.Contracts;

/// <summary>Published when a registration is refused; <see cref="Reason"/> names the problem.</summary>
public sealed record AgentRegistrationRejected
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string Reason { get; init; } = "";
    /// <summary>
    /// True when registering again as it is cannot help (the agent speaks as a broker user that may not speak for it): the
    /// agent stops, and exits 1, instead of trying again every interval.
    /// </summary>
    public bool Final { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
