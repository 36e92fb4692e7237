using System.Text.Json;
using Coordinator.AgentWorker.Sdk.Tasks;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>
/// What a handler is given: the task (<see cref="TaskId"/>, <see cref="TaskType"/>, <see cref="Payload"/>), its
/// <see cref="Attempt"/>, <see cref="Deadline"/> and a scratch <see cref="WorkDirectory"/>; and how it speaks back while it
/// runs: <see cref="ReportProgress"/> (throttled) and <see cref="SaveCheckpointAsync{T}"/> (stored by the coordinator with the
/// task, and handed to the next attempt in <see cref="Checkpoint"/> if this one does not finish).
/// </summary>
public sealed class TaskContext
{
    readonly ITaskReports reports;

    internal TaskContext(string taskId, string taskType, int attempt, JsonElement? payload, DateTimeOffset deadline, string workDirectory,
        JsonElement? checkpoint, ITaskReports reports)
    {
        TaskId = taskId;
        TaskType = taskType;
        Attempt = attempt;
        Payload = payload;
        Deadline = deadline;
        WorkDirectory = workDirectory;
        Checkpoint = checkpoint;
        this.reports = reports;
    }

    /// <summary>The task's id: the same on every attempt.</summary>
    public string TaskId { get; }

    /// <summary>The task type it was submitted with (the one this handler was registered for, in the client's spelling).</summary>
    public string TaskType { get; }

    /// <summary>1 for the first attempt; higher when the task is retried or was moved off another agent.</summary>
    public int Attempt { get; }

    /// <summary>The payload the task was submitted with, as JSON (null when it had none); <see cref="PayloadAs{T}"/> reads it typed.</summary>
    public JsonElement? Payload { get; }

    /// <summary>
    /// When the handler's token is cancelled: the task's deadline or the coordinator's task timeout
    /// (<see cref="DateTimeOffset.MaxValue"/> when the task has neither).
    /// </summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>
    /// A directory of this run's own, under <c>Agent:WorkDirectory</c>, for scratch files: not created until the handler
    /// creates it (<c>Directory.CreateDirectory</c>), and removed after the run. Its size counts in the disk usage the agent
    /// reports. Nothing in it survives to another attempt: what must survive goes in a checkpoint.
    /// </summary>
    public string WorkDirectory { get; }

    /// <summary>
    /// The last checkpoint saved for this task: by an earlier attempt when this one starts (null on a first attempt, or when
    /// none was saved), then by this one.
    /// </summary>
    public JsonElement? Checkpoint { get; private set; }

    /// <summary>How payloads, checkpoints and typed results are read and written: camelCase, as the coordinator writes JSON.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The payload as <typeparamref name="T"/> (camelCase JSON), or a new T when there is none.</summary>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="T"/> (the task fails with the message).</exception>
    public T PayloadAs<T>() where T : new() =>
        Payload is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } payload
            ? payload.Deserialize<T>(Json) ?? new T()
            : new T();

    /// <summary>The checkpoint as <typeparamref name="T"/> (camelCase JSON), or default when there is none: start from the beginning.</summary>
    /// <exception cref="JsonException">The checkpoint does not fit <typeparamref name="T"/>.</exception>
    public T? CheckpointAs<T>() =>
        Checkpoint is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } checkpoint ? checkpoint.Deserialize<T>(Json) : default;

    /// <summary>
    /// Reports how far the task is: <paramref name="percent"/> from 0 to 100 and an optional message (at most
    /// <see cref="MaxProgressMessageLength"/> characters). Cheap to call often: reports are throttled (Agent:ProgressInterval),
    /// the latest one wins, and sending never blocks the handler. Throws <see cref="ArgumentOutOfRangeException"/> for a
    /// percent outside 0-100 or a message too long.
    /// </summary>
    /// <param name="percent">How far the task is, from 0 to 100.</param>
    /// <param name="message">What it is doing, for people (<c>"file 3 of 40"</c>); optional.</param>
    public void ReportProgress(double percent, string? message = null)
    {
        if (!double.IsFinite(percent) || percent is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "progress is a percent from 0 to 100");
        if (message is { Length: > MaxProgressMessageLength })
            throw new ArgumentOutOfRangeException(nameof(message), message.Length,
                $"a progress message is at most {MaxProgressMessageLength} characters; this one has {message.Length}");
        reports.Progress(percent, message);
    }

    /// <summary>The longest progress message (the coordinator's ledger column).</summary>
    public const int MaxProgressMessageLength = 1024;

    /// <summary>
    /// Saves a checkpoint (any JSON-serialisable value, camelCase). It completes once the broker has it; from then on a retry
    /// or a move of this task to another agent (this one failed, drained or was killed) starts with it in <see cref="Checkpoint"/>,
    /// so save one after each step that must not be redone. Throws <see cref="ArgumentException"/> when the JSON is larger than
    /// Agent:MaxCheckpointBytes (the coordinator's Tasks:MaxCheckpointBytes is the same by default).
    /// </summary>
    /// <param name="checkpoint">What the next attempt needs to go on from here; read back with <see cref="CheckpointAs{T}"/>.</param>
    /// <param name="cancellationToken">The handler's token.</param>
    public async Task SaveCheckpointAsync<T>(T checkpoint, CancellationToken cancellationToken = default)
    {
        var json = JsonSerializer.SerializeToElement(checkpoint, Json);
        await reports.CheckpointAsync(json, cancellationToken);
        Checkpoint = json;
    }
}
