namespace Coordinator.AgentWorker.Sdk.Baseline;

/// <summary>
/// Stands in for the agent's lifecycle in baseline mode (<c>Agent:BaselineQueue</c>): the worker neither
/// registers nor heartbeats, it only says at start which shared queue it consumes.
/// </summary>
internal sealed partial class BaselineModeService(AgentOptions options, ILogger<BaselineModeService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogBaselineMode(options.AgentId, options.BaselineQueue ?? "");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} runs in baseline mode: consuming SubmitTask from shared queue {Queue}, not registering with the coordinator")]
    partial void LogBaselineMode(string agentId, string queue);
}
