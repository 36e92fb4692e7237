using System.Collections.Concurrent;
using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Recovery;

/// <summary>
/// Moves assignments that wait on an agent to an agent that can start them sooner, with fencing and without running
/// anything twice: the agent is asked to release the attempt (<see cref="ReleaseAssignment"/>), and only once it says it
/// has (it had not started, and never will) is the task placed again, with its next attempt. Each task is asked about
/// once; an agent that never answers keeps it (recovery or the watchdog cover an agent that is gone).
/// </summary>
public sealed partial class AssignmentMover(TaskPlacement placement, TaskLedger ledger, DispatchQueue dispatch, RabbitMqOptions broker, TimeProvider time, ILogger<AssignmentMover> logger)
{
    const int AskedMemory = 10_000;
    /// <summary>Tasks asked about: each is moved at most once (a move costs an attempt number, and moves must not chase each other).</summary>
    readonly HashSet<string> _asked = new(StringComparer.Ordinal);
    readonly Queue<string> _askedOrder = new();
    /// <summary>Released, not yet sent back to dispatch (a send failed): sent when the answer is delivered again.</summary>
    readonly ConcurrentDictionary<string, DispatchTask> _unsent = new(StringComparer.Ordinal);

    /// <summary>Asks the agent holding the attempt to give it back; false when the task was asked about already.</summary>
    public async Task<bool> RequestReleaseAsync(string taskId, int attempt, string agentId, string reason, ISendEndpointProvider sender,
        CancellationToken cancellationToken)
    {
        lock (_asked)
        {
            if (!_asked.Add(taskId))
                return false;
            _askedOrder.Enqueue(taskId);
            if (_askedOrder.Count > AskedMemory)
                _asked.Remove(_askedOrder.Dequeue());
        }
        var endpoint = await sender.GetSendEndpoint(broker.QueueAddress(EntityNames.AgentQueue(agentId)));
        await endpoint.Send(new ReleaseAssignment
        {
            TaskId = taskId,
            AgentId = agentId,
            Attempt = attempt,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        }, cancellationToken);
        LogAsked(taskId, attempt, agentId, reason);
        return true;
    }

    /// <summary>The agent's answer: a released attempt is placed again with its next attempt, elsewhere if possible.</summary>
    public async Task OnAnsweredAsync(AssignmentReleased answer, ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        if (!answer.Released)
        {
            LogKept(answer.TaskId, answer.Attempt, answer.AgentId, answer.Reason);
            return;
        }
        if (placement.Release(answer.TaskId, answer.Attempt, answer.AgentId) is { } released)
        {
            var next = TaskForms.Moved(released.Task, answer.AgentId);
            _unsent[answer.TaskId] = next;
            ledger.Record(new TaskUpdate(next.TaskId, TaskStatus.Pending, next.Attempt, time.GetUtcNow(),
                r => r.Reason = $"moved from agent {answer.AgentId}, where it waited, to start sooner elsewhere"));
        }
        if (_unsent.TryGetValue(answer.TaskId, out var move) && move.Attempt == answer.Attempt + 1)
        {
            await dispatch.SendAsync(sender, move, cancellationToken);
            _unsent.TryRemove(new KeyValuePair<string, DispatchTask>(answer.TaskId, move));
            LogMoved(answer.TaskId, answer.Attempt, answer.AgentId);
        }
    }

    /// <summary>Sends the moves a failed send left behind (their answer's retries ran out); run with every rebalancing pass.</summary>
    public async Task FlushAsync(ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        foreach (var (taskId, move) in _unsent)
        {
            await dispatch.SendAsync(sender, move, cancellationToken);
            _unsent.TryRemove(new KeyValuePair<string, DispatchTask>(taskId, move));
            LogMoved(taskId, move.Attempt - 1, move.AvoidAgentId ?? "?");
        }
    }

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} waits on agent {AgentId} ({Reason}): asked to release it")]
    partial void LogAsked(string taskId, int attempt, string agentId, string reason);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} stays on agent {AgentId}: {Reason}")]
    partial void LogKept(string taskId, int attempt, string agentId, string reason);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} released by agent {AgentId}: placed again with its next attempt")]
    partial void LogMoved(string taskId, int attempt, string agentId);
}
