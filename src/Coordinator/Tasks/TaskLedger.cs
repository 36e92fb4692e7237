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

    /// <summary>A task's queued, not yet written state: the record it was created with (if that is unwritten too) and its updates, in order.</summary>
    public sealed record Unwritten(TaskRecord? Created, IReadOnlyList<TaskUpdate> Updates);

    public ChannelReader<TaskUpdate> Reader => _updates.Reader;

    public void Record(TaskUpdate update)
    {
        _unwritten.AddOrUpdate(update.TaskId,
            _ => new Unwritten(update.Created, [update]),
            (_, previous) => new Unwritten(previous.Created ?? update.Created, [.. previous.Updates, update]));
        _updates.Writer.TryWrite(update);
    }

    /// <summary>What is queued but not yet written for a task, if anything.</summary>
    public Unwritten? Pending(string taskId) => _unwritten.GetValueOrDefault(taskId);

    /// <summary>Forgets an update once it is in the database (and the task's entry once nothing is left unwritten).</summary>
    internal void Written(TaskUpdate update)
    {
        while (_unwritten.TryGetValue(update.TaskId, out var state))
        {
            var remaining = state.Updates.Where(u => !ReferenceEquals(u, update)).ToList();
            var replaced = remaining.Count == 0
                ? _unwritten.TryRemove(new KeyValuePair<string, Unwritten>(update.TaskId, state))
                : _unwritten.TryUpdate(update.TaskId, new Unwritten(ReferenceEquals(state.Created, update.Created) ? null : state.Created, remaining), state);
            if (replaced)
                return;
        }
    }

    internal void Complete() => _updates.Writer.TryComplete();
}
