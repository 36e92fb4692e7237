namespace Coordinator.Ownership;

/// <summary>A write of a coordinator that no longer owns the task path (its lease's epoch is not the current one): refused.</summary>
public sealed class TaskPathFencedException(string message) : Exception(message);
