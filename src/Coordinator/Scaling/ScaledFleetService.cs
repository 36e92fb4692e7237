using Quartz;

namespace Coordinator.Scaling;

/// <summary>
/// Runs the ScalingManager with the host: lets it ask for an immediate check (an agent it runs was lost), and stops
/// every agent it runs when the coordinator stops (each drains and unregisters, or is killed after the grace).
/// </summary>
public sealed partial class ScaledFleetService(ScalingManager manager, ISchedulerFactory schedulers, ILogger<ScaledFleetService> logger)
    : IHostedService
{
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!manager.Enabled)
            return Task.CompletedTask;
        manager.RequestCheck = () => _ = TriggerAsync();
        manager.Begin(_stopping.Token);
        return Task.CompletedTask;
    }

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
        if (!manager.Enabled)
            return;
        await _stopping.CancelAsync();
        await manager.StopAllAsync(StopGrace, cancellationToken);
    }

    [LoggerMessage(LogLevel.Debug, "Could not trigger a scaling check: {Error}")]
    partial void LogTriggerFailed(string error);
}
