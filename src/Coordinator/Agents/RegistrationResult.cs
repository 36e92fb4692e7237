namespace Coordinator.Agents;

public sealed record RegistrationResult(bool Accepted, string? Reason);
