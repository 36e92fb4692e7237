using System.Text;
using System.Text.Json;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;

namespace Coordinator.Tasks.Results;

/// <summary>
/// Stores the current attempt's checkpoint: with its in-flight record (so the next attempt, whatever path sends it, carries
/// it) and in the ledger, written before the caller acknowledges what brought it (a coordinator restarted meanwhile gets it
/// again). It comes in a <c>TaskCheckpointed</c>, or with the attempt's <c>TaskFailed</c> (whose own TaskCheckpointed may be
/// consumed after it). Stale, older or oversized checkpoints are dropped with a log line; an oversized one, which only a client
/// other than the SDK can send, is also counted. The task itself is not touched by them.
/// </summary>
public sealed partial class TaskCheckpoints(TaskPlacement placement, TaskLedger ledger, TaskOptions options, TaskReportRefusals refusals,
    ILogger<TaskCheckpoints> logger)
{
    /// <summary>Stores it if it is the current attempt's newest; true when stored.</summary>
    public async Task<bool> StoreAsync(string taskId, int attempt, string agentId, int sequence, JsonElement checkpoint, DateTimeOffset timestamp,
        CancellationToken cancellationToken)
    {
        var json = checkpoint.ValueKind == JsonValueKind.Undefined ? "null" : checkpoint.GetRawText();
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > options.MaxCheckpointBytes)
        {
            LogOversized(taskId, attempt, agentId, bytes, options.MaxCheckpointBytes);
            refusals.Refused("checkpoint", "oversized");
            return false;
        }
        if (!placement.Checkpoint(taskId, attempt, agentId, sequence, checkpoint))
        {
            LogStale(taskId, attempt, sequence, agentId);
            return false;
        }
        var at = timestamp.ToUniversalTime();
        var version = Version(attempt, sequence);
        await ledger.RecordDurablyAsync(new TaskUpdate(taskId, TaskStatus.Running, attempt, at, r =>
        {
            r.StartedAt ??= at;
            if (version <= r.CheckpointVersion)
                return; // consumed out of order: a later checkpoint is stored already
            r.Checkpoint = json;
            r.CheckpointAt = at;
            r.CheckpointVersion = version;
        })).WaitAsync(cancellationToken);
        return true;
    }

    /// <summary>Orders checkpoints across attempts: a later attempt's first one is newer than any of an earlier attempt.</summary>
    public static long Version(int attempt, int sequence) => ((long)attempt << 32) | (uint)sequence;

    [LoggerMessage(LogLevel.Debug, "Checkpoint {Sequence} of task {TaskId} attempt {Attempt} from agent {AgentId} dropped: not the current attempt, or a later checkpoint is held")]
    partial void LogStale(string taskId, int attempt, int sequence, string agentId);

    [LoggerMessage(LogLevel.Warning, "Checkpoint of task {TaskId} attempt {Attempt} from agent {AgentId} refused: {Bytes} bytes of JSON, the limit (Tasks:MaxCheckpointBytes) is {Limit}; the last checkpoint stored stays")]
    partial void LogOversized(string taskId, int attempt, string agentId, int bytes, int limit);
}
