using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Coordinator.Tasks;

/// <summary>
/// The write side of the ledger: updates are queued in memory (never awaited on the dispatch path)
/// and written in batches by <see cref="TaskLedgerWriter"/>. Until written, a task's latest status
/// is answered from here.
/// </summary>
public sealed class TaskLedger
{
    readonly Channel<TaskUpdate> _updates = Channel.CreateUnbounded<TaskUpdate>(new UnboundedChannelOptions { SingleReader = true });
    readonly ConcurrentDictionary<string, Unwritten> _unwritten = new(StringComparer.Ordinal);

    /// <summary>A task's queued, not yet written state: the record it was created with (if that is unwritten too) and its latest update.</summary>
    public sealed record Unwritten(TaskRecord? Created, TaskUpdate Latest);

    public ChannelReader<TaskUpdate> Reader => _updates.Reader;

    public void Record(TaskUpdate update)
    {
        _unwritten.AddOrUpdate(update.TaskId,
            _ => new Unwritten(update.Created, update),
            (_, previous) => new Unwritten(previous.Created ?? update.Created, update));
        _updates.Writer.TryWrite(update);
    }

    /// <summary>What is queued but not yet written for a task, if anything.</summary>
    public Unwritten? Pending(string taskId) => _unwritten.GetValueOrDefault(taskId);

    /// <summary>Forgets a task's unwritten state once its latest update is in the database.</summary>
    internal void Written(TaskUpdate update)
    {
        if (_unwritten.TryGetValue(update.TaskId, out var state) && ReferenceEquals(state.Latest, update))
            _unwritten.TryRemove(new KeyValuePair<string, Unwritten>(update.TaskId, state));
    }

    internal void Complete() => _updates.Writer.TryComplete();
}
