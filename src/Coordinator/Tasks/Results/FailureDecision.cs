using Coordinator.Contracts;

namespace Coordinator.Tasks.Results;

/// <summary>The outcome of a failed attempt: for a retry, the next attempt and its delay; otherwise why the task ends.</summary>
public sealed record FailureDecision(FailureOutcome Outcome, DispatchTask? Next, TimeSpan Delay, string? Reason);
