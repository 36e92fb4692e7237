using Quartz;

namespace Coordinator.Scaling;

/// <summary>
/// Runs the ScalingManager on the owner of the task path: from when this coordinator becomes the owner it lets it ask for an
/// immediate check (an agent it runs was lost) and adopts what a previous owner left running; when the coordinator stops,
/// every agent it runs is stopped (each drains and unregisters, or is killed after the grace). A standby runs none.
/// </summary>
public sealed partial class ScaledFleetService(ScalingManager manager, ISchedulerFactory schedulers, ILogger<ScaledFleetService> logger)
    : IHostedService, Ownership.IOwnerActivation
{
    bool _begun;

    public int Order => 50;

    public Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (!manager.Enabled)
            return Task.CompletedTask;
        manager.RequestCheck = () => _ = TriggerAsync();
        manager.Begin(_stopping.Token);
        _begun = true;
        return Task.CompletedTask;
    }

    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task TriggerAsync()
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(_stopping.Token);
            if (scheduler.Status == SchedulerStatus.Running)
                await scheduler.TriggerJob(ScalingCheckJob.Key, _stopping.Token);
        }
        catch (Exception ex) when (ex is SchedulerException or OperationCanceledException)
        {
            LogTriggerFailed(ex.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!manager.Enabled || !_begun)
            return;
        await _stopping.CancelAsync();
        await manager.StopAllAsync(StopGrace, cancellationToken);
    }

    [LoggerMessage(LogLevel.Debug, "Could not trigger a scaling check: {Error}")]
    partial void LogTriggerFailed(string error);
}
