using System.Text.Json;
using Coordinator.Contracts;
using MassTransit;
using Quartz;

namespace Coordinator.Tasks.Dispatch;

/// <summary>Sends a task's next attempt back to the dispatch queue, with its priority.</summary>
public sealed class TaskRetryJob(IBus bus, DispatchQueue dispatch) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var task = JsonSerializer.Deserialize<DispatchTask>(context.MergedJobDataMap.GetString(TaskRetryScheduler.TaskKey)!)!;
        await dispatch.SendAsync(bus, task, cancellationToken);
    }
}
