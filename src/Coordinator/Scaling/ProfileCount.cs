namespace Coordinator.Scaling;

/// <summary>How many agents of one profile to start.</summary>
public sealed record ProfileCount(string Profile, int Count);
