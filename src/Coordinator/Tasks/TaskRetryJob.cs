using System.Text.Json;
using Coordinator.Contracts;
using MassTransit;
using Quartz;

namespace Coordinator.Tasks;

/// <summary>Sends a task's next attempt back to the dispatch queue, with its priority.</summary>
public sealed class TaskRetryJob(IBus bus) : IJob
{
    static readonly Uri DispatchAddress = new($"exchange:{EntityNames.DispatchQueue}");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var task = JsonSerializer.Deserialize<DispatchTask>(context.MergedJobDataMap.GetString(TaskRetryScheduler.TaskKey)!)!;
        var endpoint = await bus.GetSendEndpoint(DispatchAddress);
        await endpoint.Send(task, ctx => ctx.SetPriority((byte)task.Priority), cancellationToken);
    }
}
