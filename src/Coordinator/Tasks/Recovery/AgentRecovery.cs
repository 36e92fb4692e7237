using System.Collections.Concurrent;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Messaging;
using Coordinator.Tasks;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;
using TaskStatus = Coordinator.Tasks.TaskStatus;

namespace Coordinator.Tasks.Recovery;

/// <summary>
/// Moves a failed (or departed) agent's work: every task in flight on it and every assignment still in
/// its queue goes back to the dispatcher with its next attempt number (the fencing token; whatever the
/// old attempt reports later is stale), then its queue is drained and deleted. The delete is conditional,
/// checked by the broker at that instant: only while the queue has no consumer and no message. A paused agent
/// still holds its consumer, so its queue stays (emptied) and it hears about new work once it is back and
/// registered again; a queue kept that way is deleted by a later sweep once it is unused.
/// </summary>
public sealed partial class AgentRecovery(
    TaskPlacement placement,
    TaskLedger ledger,
    DispatchQueue dispatch,
    BrokerQueues queues,
    RecoveryMetrics metrics,
    TimeProvider time,
    ILogger<AgentRecovery> logger)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    const int DrainLimit = 10_000;

    /// <summary>Agents whose queue could not be drained and deleted yet (still in use, not empty, or the broker's API was away).</summary>
    readonly ConcurrentDictionary<string, bool> _queuesKept = new(StringComparer.Ordinal);

    /// <summary>Moved tasks not yet sent back to dispatch because a send failed; the retried AgentFailed sends them.</summary>
    readonly ConcurrentDictionary<string, List<DispatchTask>> _unsent = new(StringComparer.Ordinal);

    /// <summary>
    /// Moves the agent's work. <paramref name="assignedBefore"/>: only what was assigned before then (work given since belongs
    /// to a new instance). <paramref name="drainQueue"/>: false when a new instance has taken the id and consumes its queue.
    /// </summary>
    public async Task<int> RecoverAsync(string agentId, string reason, DateTimeOffset? lastHeartbeat,
        ISendEndpointProvider sender, CancellationToken cancellationToken, DateTimeOffset? assignedBefore = null, bool drainQueue = true)
    {
        var moved = _unsent.TryRemove(agentId, out var left) ? left : [];
        foreach (var inFlight in placement.Evict(agentId, assignedBefore))
            moved.Add(TaskForms.Moved(inFlight.Task, agentId));
        if (!drainQueue)
        {
            await SendAsync(agentId, reason, moved, sender, cancellationToken);
            LogRecovered(agentId, moved.Count, reason);
            return moved.Count;
        }
        var drained = await DrainAsync(agentId, moved.Select(m => m.TaskId).ToHashSet(StringComparer.Ordinal), cancellationToken);
        moved.AddRange(drained ?? []);
        await SendAsync(agentId, reason, moved, sender, cancellationToken);
        if (drained is not null)
            await DeleteOrKeepAsync(agentId, cancellationToken);

        if (lastHeartbeat is { } heard)
            metrics.Recovered(time.GetUtcNow() - heard, moved.Count);
        LogRecovered(agentId, moved.Count, reason);
        return moved.Count;
    }

    /// <summary>
    /// Drains (moving what it finds) and deletes the queues kept earlier; forgets those whose agent is live again
    /// (it uses its queue). Called by the health sweep.
    /// </summary>
    public async Task RetryKeptQueuesAsync(IReadOnlySet<string> liveAgents, ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        foreach (var agentId in _queuesKept.Keys)
        {
            if (liveAgents.Contains(agentId))
            {
                _queuesKept.TryRemove(agentId, out _);
                continue;
            }
            if (await DrainAsync(agentId, new HashSet<string>(StringComparer.Ordinal), cancellationToken) is not { } drained)
                continue;
            await SendAsync(agentId, "left in its queue", drained, sender, cancellationToken);
            await DeleteOrKeepAsync(agentId, cancellationToken);
        }
    }

    /// <summary>Sends moved tasks back to dispatch; what could not be sent is kept for the retry of the same recovery.</summary>
    async Task SendAsync(string agentId, string reason, List<DispatchTask> moved, ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        for (var i = 0; i < moved.Count; i++)
        {
            var task = moved[i];
            ledger.Record(new TaskUpdate(task.TaskId, TaskStatus.Pending, task.Attempt, now,
                r => r.Reason = $"moved from agent {agentId} ({reason})"));
            try
            {
                await dispatch.SendAsync(sender, task, cancellationToken);
            }
            catch
            {
                _unsent[agentId] = moved[i..];
                throw;
            }
        }
    }

    /// <summary>
    /// Takes the assignments still queued for the agent that are not being moved already (<paramref name="moving"/>)
    /// nor placed again: ones this coordinator no longer tracks (after its own restart) or that arrived late.
    /// Null when the management API could not be reached (the queue is kept for the sweep to try again).
    /// </summary>
    async Task<List<DispatchTask>?> DrainAsync(string agentId, IReadOnlySet<string> moving, CancellationToken cancellationToken)
    {
        var queue = EntityNames.AgentQueue(agentId);
        IReadOnlyList<string> bodies;
        try
        {
            bodies = await queues.DrainAsync(queue, DrainLimit, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _queuesKept[agentId] = true;
            LogDrainFailed(queue, ex.Message);
            return null;
        }
        var moved = new List<DispatchTask>();
        foreach (var body in bodies)
        {
            if (Parse(body) is not { } assignment || moving.Contains(assignment.TaskId) || moved.Any(m => m.TaskId == assignment.TaskId)
                || placement.IsInFlight(assignment.TaskId))
                continue; // unreadable, a duplicate, or moved or placed already: nothing to move
            moved.Add(TaskForms.Moved(assignment));
        }
        return moved;
    }

    /// <summary>
    /// Deletes the agent's queue if it is unused and empty, judged by the broker at that instant: deleting it under a
    /// live consumer would leave that agent (paused, not dead) deaf once it is back. Otherwise the queue is kept on a
    /// list the health sweep works through.
    /// </summary>
    async Task DeleteOrKeepAsync(string agentId, CancellationToken cancellationToken)
    {
        var queue = EntityNames.AgentQueue(agentId);
        bool deleted;
        try
        {
            deleted = await queues.DeleteIfUnusedAsync(queue, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogDrainFailed(queue, ex.Message);
            deleted = false;
        }
        if (deleted)
        {
            _queuesKept.TryRemove(agentId, out _);
            LogDeleted(queue);
        }
        else if (_queuesKept.TryAdd(agentId, true))
            LogKept(queue);
    }

    static AssignTask? Parse(string body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            return envelope.RootElement.TryGetProperty("message", out var message) ? message.Deserialize<AssignTask>(Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Queue {Queue} drained and deleted")]
    partial void LogDeleted(string queue);

    [LoggerMessage(LogLevel.Information, "Queue {Queue} drained but kept: still in use (a paused agent?) or not empty; the sweep tries again")]
    partial void LogKept(string queue);

    [LoggerMessage(LogLevel.Warning, "Queue {Queue} could not be drained ({Error}); the sweep tries again")]
    partial void LogDrainFailed(string queue, string error);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} gone ({Reason}): {Tasks} task(s) moved back to dispatch")]
    partial void LogRecovered(string agentId, int tasks, string reason);
}
