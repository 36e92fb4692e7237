using System.Text;
using Coordinator.Contracts;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>
/// Stores the current attempt's checkpoint: with its in-flight record (so the next attempt, whatever path sends it, carries
/// it) and in the ledger, written before the event is acknowledged (a coordinator restarted meanwhile gets it again). Stale,
/// older or oversized checkpoints are dropped with a log line (an oversized one, which only a client other than the SDK can
/// send, is also counted in <c>coordinator_task_reports_refused_total</c>); the task itself is not touched by them.
/// </summary>
public sealed partial class TaskCheckpointedConsumer(TaskPlacement placement, TaskLedger ledger, TaskOptions options, TaskReportRefusals refusals,
    ILogger<TaskCheckpointedConsumer> logger)
    : IConsumer<TaskCheckpointed>
{
    public async Task Consume(ConsumeContext<TaskCheckpointed> context)
    {
        var saved = context.Message;
        var json = saved.Checkpoint.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "null" : saved.Checkpoint.GetRawText();
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > options.MaxCheckpointBytes)
        {
            LogOversized(saved.TaskId, saved.Attempt, saved.AgentId, bytes, options.MaxCheckpointBytes);
            refusals.Refused("checkpoint", "oversized");
            return;
        }
        if (!placement.Checkpoint(saved.TaskId, saved.Attempt, saved.AgentId, saved.Sequence, saved.Checkpoint))
        {
            LogStale(saved.TaskId, saved.Attempt, saved.Sequence, saved.AgentId);
            return;
        }
        var at = saved.Timestamp.ToUniversalTime();
        var version = Version(saved.Attempt, saved.Sequence);
        await ledger.RecordDurablyAsync(new TaskUpdate(saved.TaskId, TaskStatus.Running, saved.Attempt, at, r =>
        {
            r.StartedAt ??= at;
            if (version <= r.CheckpointVersion)
                return; // consumed out of order: a later checkpoint is stored already
            r.Checkpoint = json;
            r.CheckpointAt = at;
            r.CheckpointVersion = version;
        })).WaitAsync(context.CancellationToken);
    }

    /// <summary>Orders checkpoints across attempts: a later attempt's first one is newer than any of an earlier attempt.</summary>
    public static long Version(int attempt, int sequence) => ((long)attempt << 32) | (uint)sequence;

    [LoggerMessage(LogLevel.Debug, "Checkpoint {Sequence} of task {TaskId} attempt {Attempt} from agent {AgentId} dropped: not the current attempt, or a later checkpoint is held")]
    partial void LogStale(string taskId, int attempt, int sequence, string agentId);

    [LoggerMessage(LogLevel.Warning, "Checkpoint of task {TaskId} attempt {Attempt} from agent {AgentId} refused: {Bytes} bytes of JSON, the limit (Tasks:MaxCheckpointBytes) is {Limit}; the last checkpoint stored stays")]
    partial void LogOversized(string taskId, int attempt, string agentId, int bytes, int limit);
}
