using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// Sends an attempt placement has reserved to its agent's queue, mandatory (a queue that does not exist returns it), and
/// records it Assigned in the ledger. It completes once both the broker and the ledger have it, so whoever holds the
/// message it came from (a submission, a dispatch) may acknowledge it then and nothing is lost to a crash. A send that
/// fails gives the reservation back.
/// </summary>
public sealed partial class TaskAssigner(TaskPlacement placement, TaskLedger ledger, Ownership.TaskPathOwnership ownership, CoordinatorOptions options,
    RabbitMqOptions broker, TimeProvider time, ILogger<TaskAssigner> logger)
{
    public async Task AssignAsync(ISendEndpointProvider sender, DispatchTask task, string agentId, CancellationToken cancellationToken)
    {
        // Checked just before sending: a coordinator paused past its lease finds out here, before an agent hears from it.
        if (!ownership.IsOwner)
        {
            placement.Abandon(task.TaskId, task.Attempt);
            LogNotOwner(task.TaskId, task.Attempt);
            await ownership.HoldAsync(cancellationToken); // its message goes back to the queue when this coordinator stops
        }
        var now = time.GetUtcNow();
        // The deadline the owner of in-flight work set when it reserved the agent for this attempt.
        var deadline = placement.Find(task.TaskId) is { } inFlight && inFlight.Attempt == task.Attempt
            ? inFlight.Deadline
            : DeadlineRule.For(task.Deadline, now, options.TaskTimeout);
        var assigned = ledger.RecordDurablyAsync(new TaskUpdate(task.TaskId, TaskStatus.Assigned, task.Attempt, now, r =>
        {
            r.AgentId = agentId;
            r.AssignedAt = now;
            // A new attempt reports its own progress (from its checkpoint, if it resumes).
            r.ProgressPercent = null;
            r.ProgressMessage = null;
            r.ProgressAt = null;
        }));
        try
        {
            var endpoint = await sender.GetSendEndpoint(broker.QueueAddress(EntityNames.AgentQueue(agentId)));
            await endpoint.Send(TaskForms.Assignment(task, agentId, deadline, now, Math.Max(0, ownership.Epoch)), ctx =>
            {
                // Returned by the broker, not silently dropped, when the agent's queue does not exist.
                if (ctx.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                    rabbit.Mandatory = true;
            }, cancellationToken);
        }
        catch
        {
            placement.Abandon(task.TaskId, task.Attempt);
            throw;
        }
        LogAssigned(task.TaskId, task.Attempt, agentId);
        // The assignment is on its way; the message it came from is acknowledged only once the ledger knows where it
        // went, so a restarted coordinator can restore it (a redelivery re-sends the same attempt at worst).
        await assigned.WaitAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} not assigned: this coordinator no longer owns the task path")]
    partial void LogNotOwner(string taskId, int attempt);

    [LoggerMessage(LogLevel.Debug, "Task {TaskId} attempt {Attempt} assigned to agent {AgentId}")]
    partial void LogAssigned(string taskId, int attempt, string agentId);
}
