using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Messaging;
using Coordinator.Tasks;
using Coordinator.Tasks.Placement;
using MassTransit;
using TaskStatus = Coordinator.Tasks.TaskStatus;

namespace Coordinator.Health;

/// <summary>
/// Moves a failed (or departed) agent's work: every task in flight on it and every assignment still in
/// its queue goes back to the dispatcher with its next attempt number (the fencing token; whatever the
/// old attempt reports later is stale), then the queue is emptied (a failed agent, which may only be
/// paused) or deleted (an agent that left gracefully).
/// </summary>
public sealed partial class AgentRecovery(
    TaskPlacement placement,
    TaskLedger ledger,
    BrokerQueues queues,
    RecoveryMetrics metrics,
    TimeProvider time,
    ILogger<AgentRecovery> logger)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    const int DrainLimit = 10_000;

    public async Task<int> RecoverAsync(string agentId, string reason, DateTimeOffset? lastHeartbeat, bool deleteQueue,
        ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        var moved = new List<DispatchTask>();
        foreach (var inFlight in placement.Evict(agentId))
            moved.Add(inFlight.Task with { Attempt = inFlight.Attempt + 1, AvoidAgentId = agentId });

        // Assignments still queued for it that this coordinator no longer tracks (e.g. after its own restart).
        var queue = EntityNames.AgentQueue(agentId);
        foreach (var body in await queues.DrainAsync(queue, DrainLimit, cancellationToken))
        {
            if (Parse(body) is not { } assignment || moved.Any(m => m.TaskId == assignment.TaskId) || placement.IsInFlight(assignment.TaskId))
                continue;
            moved.Add(new DispatchTask
            {
                TaskId = assignment.TaskId,
                TaskType = assignment.TaskType,
                RequiredCapabilities = assignment.RequiredCapabilities,
                Payload = assignment.Payload,
                Priority = assignment.Priority,
                Deadline = assignment.Deadline,
                Resources = assignment.Resources,
                Attempt = assignment.Attempt + 1,
                AvoidAgentId = agentId,
                SubmittedAt = assignment.SubmittedAt,
            });
        }

        var now = time.GetUtcNow();
        foreach (var task in moved)
        {
            ledger.Record(new TaskUpdate(task.TaskId, TaskStatus.Pending, task.Attempt, now,
                r => r.Reason = $"moved from agent {agentId} ({reason})"));
            await DispatchQueue.SendAsync(sender, task, cancellationToken);
        }
        // A failed agent's queue is emptied, not deleted: a paused process may still hold a consumer on it (the
        // broker's consumer counts lag by seconds, so they cannot tell), and deleting it would leave that agent,
        // once awake and registered again, deaf to new work. A graceful leaver's queue goes.
        if (deleteQueue)
            await queues.DeleteAsync(queue, cancellationToken);
        else
            await queues.PurgeAsync(queue, cancellationToken);

        if (lastHeartbeat is { } heard)
            metrics.Recovered(time.GetUtcNow() - heard, moved.Count);
        LogRecovered(agentId, moved.Count, reason);
        return moved.Count;
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

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} gone ({Reason}): {Tasks} task(s) moved back to dispatch, its queue emptied")]
    partial void LogRecovered(string agentId, int tasks, string reason);
}
