using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// Places one task: picks an agent (capability filter, free slots and resources, then the strategy)
/// and sends the assignment to its queue. When no agent can take it, the message stays
/// unacknowledged here among the waiting tasks (at most DispatchConcurrency of them, for at most
/// DispatchHoldLimit each), placed in priority order as capacity appears (no polling); the rest of the
/// backlog stays in the priority queue. A task whose deadline passes while it waits ends TimedOut.
/// </summary>
public sealed partial class DispatchTaskConsumer(
    TaskPlacement placement,
    TaskAssigner assigner,
    DispatchQueue dispatch,
    TaskLedger ledger,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<DispatchTaskConsumer> logger) : IConsumer<DispatchTask>
{
    /// <summary>Placements tried when the broker returns an assignment (the agent's queue is gone) before giving the task up.</summary>
    const int MaxReturns = 20;

    public async Task Consume(ConsumeContext<DispatchTask> context)
    {
        var task = context.Message;
        using var span = Hosting.Tracing.Source.StartActivity("place task");
        span?.SetTag("task.id", task.TaskId).SetTag("task.type", task.TaskType).SetTag("task.attempt", task.Attempt);
        for (var returned = 0; ; returned++)
        {
            if (await PlaceAsync(context, task) is not { } agent)
                return;
            span?.SetTag("agent.id", agent.AgentId);
            try
            {
                await assigner.AssignAsync(context, task, agent.AgentId, context.CancellationToken);
                return;
            }
            catch (MessageReturnedException)
            {
                // The assignment reached no queue (the agent's queue was deleted after it failed, and a new process
                // has not declared it yet): nothing was delivered, so place it again, elsewhere if possible.
                LogReturned(task.TaskId, task.Attempt, agent.AgentId, returned + 1);
                if (returned + 1 >= MaxReturns)
                {
                    await GiveUpAsync(context, task, $"its assignment was returned by the broker {MaxReturns} times (last: agent {agent.AgentId} has no queue)");
                    return;
                }
                task = task with { AvoidAgentId = agent.AgentId };
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * (returned + 1))), time, context.CancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits for an agent to take the task; null when it was a duplicate, its deadline passed first, or it was held as long
    /// as a delivery may be (DispatchHoldLimit) and went back to the queue as a fresh copy. No wait is longer than that
    /// limit, so deadlines of any size work and no delivery outlives the broker's consumer_timeout.
    /// </summary>
    async Task<AgentView?> PlaceAsync(ConsumeContext<DispatchTask> context, DispatchTask task)
    {
        if (placement.Enqueue(task) is not { } waiter)
        {
            if (placement.IsCancelled(task.TaskId))
                LogCancelled(task.TaskId, task.Attempt);
            else
                LogDuplicate(task.TaskId, task.Attempt);
            return null;
        }
        if (!waiter.Agent.IsCompleted)
            LogWaiting(task.TaskId, task.TaskType, task.Priority);

        var untilDeadline = task.Deadline is { } deadline ? Max(deadline - time.GetUtcNow(), TimeSpan.Zero) : TimeSpan.MaxValue;
        var hold = untilDeadline < options.DispatchHoldLimit ? untilDeadline : options.DispatchHoldLimit;
        try
        {
            return await waiter.Agent.WaitAsync(hold, time, context.CancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && placement.Withdraw(waiter))
        {
            if (ex is OperationCanceledException)
                throw; // stopping: the message goes back to the queue
            var now = time.GetUtcNow();
            if (task.Deadline is not { } due || due > now)
            {
                // Held as long as a delivery may be: the task goes back to the queue (confirmed) before this one is acknowledged.
                await dispatch.SendAsync(context, task, context.CancellationToken);
                LogRequeued(task.TaskId, task.Attempt, hold.TotalSeconds);
                return null;
            }
            LogExpired(task.TaskId, task.Attempt);
            placement.RememberFinished(task.TaskId, task.Attempt);
            ledger.Record(new TaskUpdate(task.TaskId, TaskStatus.TimedOut, task.Attempt, now, r =>
            {
                r.FinishedAt = now;
                r.Reason = "deadline passed while waiting for an agent";
            }));
            return null;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Placed just as the wait ended: the reservation stands, so assign it.
            return await waiter.Agent;
        }
    }

    async Task GiveUpAsync(ConsumeContext context, DispatchTask task, string reason)
    {
        var now = time.GetUtcNow();
        LogGaveUp(task.TaskId, reason);
        placement.RememberFinished(task.TaskId, task.Attempt);
        await ledger.RecordDurablyAsync(new TaskUpdate(task.TaskId, TaskStatus.DeadLettered, task.Attempt, now, r =>
        {
            r.FinishedAt = now;
            r.Reason = reason;
        }));
        await context.Publish(new TaskDeadLettered { TaskId = task.TaskId, Attempts = task.Attempt, Reason = reason, Timestamp = now },
            context.CancellationToken);
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(LogLevel.Debug, "Task {TaskId} ({TaskType}, priority {Priority}) waits: no agent can take it now")]
    partial void LogWaiting(string taskId, string taskType, int priority);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} dropped from the backlog: the task was cancelled")]
    partial void LogCancelled(string taskId, int attempt);

    [LoggerMessage(LogLevel.Information, "Duplicate dispatch of task {TaskId} attempt {Attempt} dropped: that attempt is already waiting, placed or finished")]
    partial void LogDuplicate(string taskId, int attempt);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt}: the assignment to agent {AgentId} was returned by the broker (no queue), placing it again ({Returns})")]
    partial void LogReturned(string taskId, int attempt, string agentId, int returns);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} dead-lettered: {Reason}")]
    partial void LogGaveUp(string taskId, string reason);

    [LoggerMessage(LogLevel.Debug, "Task {TaskId} attempt {Attempt} waited {Seconds:0} s for an agent: back to the queue, so no delivery is held longer")]
    partial void LogRequeued(string taskId, int attempt, double seconds);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} timed out waiting for an agent")]
    partial void LogExpired(string taskId, int attempt);
}
