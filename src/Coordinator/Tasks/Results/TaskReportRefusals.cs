namespace Coordinator.Tasks.Results;

/// <summary>
/// Progress reports and checkpoints refused as they came (too large, a percent outside 0-100): counted by the metrics
/// through <see cref="Counted"/>; each refusal is logged by its consumer with the task, the size and the limit.
/// </summary>
public sealed class TaskReportRefusals
{
    /// <summary>Each refusal: which report (<c>checkpoint</c>, <c>progress</c>) and why (<c>oversized</c>, <c>invalid_percent</c>).</summary>
    public event Action<string, string>? Counted;

    public void Refused(string report, string reason) => Counted?.Invoke(report, reason);
}
