namespace Coordinator.Tasks;

/// <summary>A task's latest progress: percent (0-100), message, when it was reported.</summary>
public sealed record TaskProgressView(double Percent, string? Message, DateTimeOffset? At);
