namespace Coordinator.Scaling;

/// <summary>An assignment to ask back from its agent, and why.</summary>
public sealed record RebalanceMove(WaitingAssignment Assignment, string Reason);
