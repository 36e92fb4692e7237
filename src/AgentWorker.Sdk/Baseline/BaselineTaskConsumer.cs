using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Baseline;

/// <summary>
/// Baseline mode, for the benchmark only (<c>Agent:BaselineQueue</c>): consumes <see cref="SubmitTask"/>
/// straight from one queue shared by every worker (plain MassTransit competing consumers, no coordinator)
/// and runs it through the same <see cref="TaskRunner"/> as <see cref="AssignTaskConsumer"/>, so the two
/// are compared on equal terms.
/// </summary>
internal sealed class BaselineTaskConsumer(TaskRunner runner) : IConsumer<SubmitTask>
{
    public Task Consume(ConsumeContext<SubmitTask> context)
    {
        var task = context.Message;
        var taskId = string.IsNullOrWhiteSpace(task.TaskId) ? context.MessageId?.ToString() ?? NewId.NextGuid().ToString() : task.TaskId!;
        return runner.RunAsync(new TaskRun(taskId, task.TaskType, 1, task.Payload, task.Deadline), context, context.CancellationToken);
    }
}
