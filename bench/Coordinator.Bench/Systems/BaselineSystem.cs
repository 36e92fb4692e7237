using Coordinator.Bench.Infrastructure;

namespace Coordinator.Bench.Systems;

/// <summary>
/// The plain MassTransit competing-consumers baseline: the same AgentWorker binary in baseline mode
/// (<c>Agent:BaselineQueue</c>), every worker consuming SubmitTask from one shared queue bound to
/// <c>coordinator.tasks</c>, with the same concurrency and prefetch, publishing the same task events. No coordinator.
/// </summary>
public sealed class BaselineSystem(int agents, int concurrency) : BenchSystem("base", agents, concurrency)
{
    public const string SharedQueue = "bench-baseline";

    protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        StartAgents(new Dictionary<string, string> { ["Agent__BaselineQueue"] = SharedQueue });
        await Poll.UntilAsync(async () =>
            {
                EnsureAlive();
                return ((await Broker.GetQueueAsync(VirtualHost, SharedQueue))?.Consumers ?? 0) >= AgentCount;
            },
            ProcessStartTimeout, $"{AgentCount} baseline workers to consume {SharedQueue}", Diagnostics, cancellationToken);
    }
}
