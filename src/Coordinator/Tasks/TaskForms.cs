using System.Text.Json;
using Coordinator.Contracts;

namespace Coordinator.Tasks;

/// <summary>
/// The one mapping of a task between its forms: a submission, its ledger record, a dispatch (an attempt to place), an
/// assignment to an agent, and back. A field added to a task is added here, and no path (recovery, restore, retry) can drop it.
/// </summary>
public static class TaskForms
{
    /// <summary>A valid submission's first attempt.</summary>
    public static DispatchTask Dispatch(SubmitTask submission, string taskId, DateTimeOffset now) => new()
    {
        TaskId = taskId,
        TaskType = submission.TaskType.Trim(),
        RequiredCapabilities = Capabilities(submission),
        Payload = submission.Payload,
        Priority = submission.Priority,
        Deadline = submission.Deadline?.ToUniversalTime(),
        Resources = submission.Resources ?? new TaskResources(),
        Attempt = 1,
        SubmittedAt = now,
    };

    /// <summary>A submission's ledger record, Pending or Rejected (with the reason).</summary>
    public static TaskRecord Record(SubmitTask submission, string taskId, TaskStatus status, DateTimeOffset now, string? reason) => new()
    {
        TaskId = taskId,
        TaskType = string.IsNullOrWhiteSpace(submission.TaskType) ? "(none)" : submission.TaskType.Trim(),
        Status = status,
        Priority = submission.Priority,
        RequiredCapabilities = Capabilities(submission),
        CpuCores = submission.Resources?.CpuCores ?? 0,
        MemoryMb = submission.Resources?.MemoryMb ?? 0,
        DiskMb = submission.Resources?.DiskMb ?? 0,
        // Kept whole (intake bounds it by MaxPayloadBytes): a restarted coordinator re-creates in-flight work from it.
        Payload = submission.Payload?.GetRawText(),
        Deadline = submission.Deadline?.ToUniversalTime(),
        RunAt = submission.RunAt?.ToUniversalTime(),
        SubmittedAt = now,
        UpdatedAt = now,
        Reason = reason,
        FinishedAt = status.IsTerminal() ? now : null,
    };

    /// <summary>A task known from the ledger, as the given attempt (a restored or re-sent one).</summary>
    public static DispatchTask Dispatch(TaskRecord record, int attempt) => new()
    {
        TaskId = record.TaskId,
        TaskType = record.TaskType,
        RequiredCapabilities = record.RequiredCapabilities,
        Payload = record.Payload is null ? null : JsonDocument.Parse(record.Payload).RootElement.Clone(),
        Priority = record.Priority,
        Deadline = record.Deadline,
        Resources = new TaskResources { CpuCores = record.CpuCores, MemoryMb = record.MemoryMb, DiskMb = record.DiskMb },
        Attempt = attempt,
        SubmittedAt = record.SubmittedAt,
        Checkpoint = record.Checkpoint is null ? null : JsonDocument.Parse(record.Checkpoint).RootElement.Clone(),
    };

    /// <summary>An attempt sent to an agent, to be cancelled there at <paramref name="deadline"/>.</summary>
    public static AssignTask Assignment(DispatchTask task, string agentId, DateTimeOffset deadline, DateTimeOffset now, long ownerEpoch = 0) => new()
    {
        TaskId = task.TaskId,
        TaskType = task.TaskType,
        AgentId = agentId,
        Attempt = task.Attempt,
        FailedAttempts = task.FailedAttempts,
        RequiredCapabilities = task.RequiredCapabilities,
        Payload = task.Payload,
        Priority = task.Priority,
        Deadline = deadline,
        Resources = task.Resources,
        SubmittedAt = task.SubmittedAt,
        Checkpoint = task.Checkpoint,
        OwnerEpoch = ownerEpoch,
        Timestamp = now,
    };

    /// <summary>An assignment taken back from its agent (drained from its queue), as its next attempt, placed elsewhere if possible.</summary>
    public static DispatchTask Moved(AssignTask assignment) => new()
    {
        TaskId = assignment.TaskId,
        TaskType = assignment.TaskType,
        RequiredCapabilities = assignment.RequiredCapabilities,
        Payload = assignment.Payload,
        Priority = assignment.Priority,
        // The deadline it was given (the task's, or its task timeout's): a move never extends it.
        Deadline = assignment.Deadline,
        Resources = assignment.Resources,
        Attempt = assignment.Attempt + 1,
        FailedAttempts = assignment.FailedAttempts,
        AvoidAgentId = assignment.AgentId,
        SubmittedAt = assignment.SubmittedAt,
        Checkpoint = assignment.Checkpoint,
    };

    /// <summary>A dispatch's next attempt after a move (its agent failed, left, drained or released it): no failure counted.</summary>
    public static DispatchTask Moved(DispatchTask task, string fromAgentId) =>
        task with { Attempt = task.Attempt + 1, AvoidAgentId = fromAgentId };

    /// <summary>Required capabilities as placement compares them: trimmed, each once (a rejected submission's empty entries dropped).</summary>
    static List<string> Capabilities(SubmitTask submission) =>
        submission.RequiredCapabilities?.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];

    /// <summary>A dispatch's next attempt after it failed on <paramref name="agentId"/>: one failure more.</summary>
    public static DispatchTask Retried(DispatchTask task, string agentId) =>
        task with { Attempt = task.Attempt + 1, FailedAttempts = task.FailedAttempts + 1, AvoidAgentId = agentId };
}
