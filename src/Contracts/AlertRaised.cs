namespace Coordinator.Contracts;

/// <summary>
/// Published to <see cref="EntityNames.Alerts"/> when an alert rule's condition has held for its duration. One alert per
/// rule and subject (an agent id for the agent rule, "system" otherwise) until <see cref="AlertResolved"/> ends it.
/// </summary>
public sealed record AlertRaised
{
    public Guid AlertId { get; init; }
    /// <summary>ErrorRate, OldestWait, NoActiveAgent, AgentFailed or DeadLetters.</summary>
    public string Rule { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Message { get; init; } = "";
    /// <summary>The value that crossed the threshold, in the rule's unit (a ratio, seconds, a count).</summary>
    public double Value { get; init; }
    public double Threshold { get; init; }
    public DateTimeOffset RaisedAt { get; init; }
}
