using System.Text;
using System.Text.Json;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// One run's progress and checkpoints on their way to the coordinator. Progress is throttled: at most one report every
/// <see cref="AgentOptions.ProgressInterval"/>, the latest value wins, and a report still due when the run ends is dropped
/// (the result says more). Progress is best effort (one bounded try); a checkpoint is awaited until the broker confirms it.
/// </summary>
internal sealed partial class TaskReports(
    TaskRun task,
    string agentId,
    IPublishEndpoint publisher,
    AgentOptions options,
    TimeProvider time,
    ILogger logger) : ITaskReports, IDisposable
{
    readonly Lock _gate = new();
    readonly CancellationTokenSource _ended = new();
    DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    (double Percent, string? Message)? _due;
    bool _flushing;
    int _checkpoints;
    (int Sequence, JsonElement Checkpoint)? _lastSaved;

    /// <summary>The last checkpoint the broker confirmed, with its sequence; null before any.</summary>
    public (int Sequence, JsonElement Checkpoint)? LastSaved
    {
        get { lock (_gate) return _lastSaved; }
    }

    /// <summary>Longest one progress report or checkpoint may wait for the broker.</summary>
    static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    public void Progress(double percent, string? message)
    {
        lock (_gate)
        {
            _due = (percent, message);
            if (_flushing)
                return;
            _flushing = true;
        }
        _ = FlushAsync();
    }

    /// <summary>Sends what is due, waiting out the interval since the last report first; one flush at a time.</summary>
    async Task FlushAsync()
    {
        try
        {
            var wait = _lastSent + options.ProgressInterval - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, time, _ended.Token);
            (double Percent, string? Message) due;
            lock (_gate)
            {
                due = _due!.Value;
                _due = null;
            }
            _lastSent = time.GetUtcNow();
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
            bounded.CancelAfter(SendTimeout);
            await publisher.Publish(new TaskProgress
            {
                TaskId = task.TaskId, AgentId = agentId, Attempt = task.Attempt, Percent = due.Percent, Message = due.Message, Timestamp = _lastSent,
            }, bounded.Token);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            return; // the run ended: its result supersedes any progress
        }
        catch (Exception ex)
        {
            LogProgressLost(task.TaskId, task.Attempt, ex.Message);
        }
        lock (_gate)
        {
            _flushing = _due is not null;
            if (!_flushing)
                return;
        }
        _ = FlushAsync(); // reported again while this one was sent
    }

    public async Task CheckpointAsync(JsonElement checkpoint, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetByteCount(checkpoint.GetRawText());
        if (bytes > options.MaxCheckpointBytes)
            throw new ArgumentException(
                $"the checkpoint is {bytes} bytes of JSON; the limit (Agent:MaxCheckpointBytes) is {options.MaxCheckpointBytes}", nameof(checkpoint));
        var sequence = Interlocked.Increment(ref _checkpoints);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(SendTimeout);
        await publisher.Publish(new TaskCheckpointed
        {
            TaskId = task.TaskId, AgentId = agentId, Attempt = task.Attempt, Sequence = sequence, Checkpoint = checkpoint, Timestamp = time.GetUtcNow(),
        }, bounded.Token);
        lock (_gate)
        {
            if (_lastSaved is not { } last || last.Sequence < sequence)
                _lastSaved = (sequence, checkpoint.Clone());
        }
        LogCheckpoint(task.TaskId, task.Attempt, sequence, bytes);
    }

    /// <summary>The run ended: progress still due is dropped.</summary>
    public void Dispose()
    {
        _ended.Cancel(); // not disposed: a flush may still be reading its token
    }

    [LoggerMessage(LogLevel.Debug, "Progress of task {TaskId} attempt {Attempt} not sent: {Error}")]
    partial void LogProgressLost(string taskId, int attempt, string error);

    [LoggerMessage(LogLevel.Debug, "Task {TaskId} attempt {Attempt}: checkpoint {Sequence} saved ({Bytes} bytes)")]
    partial void LogCheckpoint(string taskId, int attempt, int sequence, int bytes);
}
