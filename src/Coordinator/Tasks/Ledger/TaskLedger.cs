using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Coordinator.Tasks.Ledger;

/// <summary>
/// The write side of the ledger: updates are queued in memory (never awaited on the dispatch path)
/// and written in batches by <see cref="TaskLedgerWriter"/>. Until written, a task's latest status
/// is answered from here.
/// </summary>
public sealed class TaskLedger
{
    readonly Channel<QueuedUpdate> _updates = Channel.CreateUnbounded<QueuedUpdate>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>An update on its way to the database, and who waits for it to get there.</summary>
    public sealed record QueuedUpdate(TaskUpdate Update, TaskCompletionSource? Written);
    readonly ConcurrentDictionary<string, Unwritten> _unwritten = new(StringComparer.Ordinal);

    /// <summary>A task's queued, not yet written state: the record it was created with (if that is unwritten too) and its updates, in order.</summary>
    public sealed record Unwritten(TaskRecord? Created, IReadOnlyList<TaskUpdate> Updates);

    public ChannelReader<QueuedUpdate> Reader => _updates.Reader;

    /// <summary>Queues an update; it is written with the next batch.</summary>
    public void Record(TaskUpdate update) => Enqueue(update, null);

    /// <summary>
    /// Queues an update and completes once it is in the database. Consumers of results await this before
    /// acknowledging their message, so a coordinator killed mid-batch gets the message again instead of losing it.
    /// </summary>
    public Task RecordDurablyAsync(TaskUpdate update)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(update, written);
        return written.Task;
    }

    void Enqueue(TaskUpdate update, TaskCompletionSource? written)
    {
        _unwritten.AddOrUpdate(update.TaskId,
            _ => new Unwritten(update.Created, [update]),
            (_, previous) => new Unwritten(previous.Created ?? update.Created, [.. previous.Updates, update]));
        _updates.Writer.TryWrite(new QueuedUpdate(update, written));
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
}
