using Coordinator.Persistence;
using MassTransit;

namespace Coordinator.Ownership;

/// <summary>
/// Makes this coordinator the owner of the task path, or keeps it a standby. With SQLite it is the only one: the owner at
/// once. With PostgreSQL it takes the lease when it is free, then runs the activations (restore, a fresh look at the fleet,
/// the owner's queues) while renewing it; a standby tries again every AcquireInterval. An owner that cannot renew before its
/// lease runs out (the database is unreachable, the process was paused, another took over) stops at once: it consumes and
/// writes nothing more (its ledger writes are fenced by the epoch), and the host ends, for its supervisor to start it again
/// as a standby. A graceful stop lets the lease go, so a standby takes over without waiting it out.
/// </summary>
public sealed partial class OwnershipService(
    TaskPathOwnership ownership,
    LeaseStore leases,
    IEnumerable<IOwnerActivation> activations,
    DatabaseOptions database,
    OwnershipOptions options,
    CoordinatorOptions coordinator,
    IHostApplicationLifetime lifetime,
    IBusControl bus,
    TimeProvider time,
    ILogger<OwnershipService> logger) : BackgroundService
{
    /// <summary>Taken off the lease's TTL by this process's clock: the database's clock and ours may differ a little.</summary>
    static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            ownership.Hold(0, long.MaxValue); // one coordinator on its own SQLite file
            await ActivateAsync(stoppingToken);
            return;
        }
        var epoch = await AcquireAsync(stoppingToken);
        if (epoch is null)
            return;
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(epoch.Value, renewing.Token);
        try
        {
            await ActivateAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogActivationFailed(ex.Message);
            ownership.Lose();
            lifetime.StopApplication();
            throw;
        }
        await renewal;
    }

    /// <summary>Waits as a standby until the lease is ours; its epoch, or null when stopping first.</summary>
    async Task<long?> AcquireAsync(CancellationToken stoppingToken)
    {
        var known = "";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var asked = time.GetTimestamp();
                if (await leases.TryAcquireAsync(ownership.InstanceId, coordinator.HttpUrl, stoppingToken) is { } epoch)
                {
                    ownership.PreviousHolder = known; // the holder last seen, whose lease ran out (see PreviousOwnerCutOff)
                    ownership.Hold(epoch, asked + Ticks(options.LeaseTtl - Margin));
                    LogAcquired(ownership.InstanceId, epoch);
                    return epoch;
                }
                var holder = await leases.FindAsync(stoppingToken);
                ownership.OwnerUrl = holder?.HolderUrl;
                if (holder is not null && holder.Holder != known)
                {
                    known = holder.Holder;
                    LogStandby(ownership.InstanceId, holder.Holder, holder.HolderUrl ?? "?", holder.Epoch);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAcquireFailed(ex.Message);
            }
            try
            {
                await Task.Delay(options.AcquireInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Renews until stopping; when the lease is lost, stops acting and ends the host.</summary>
    async Task RenewAsync(long epoch, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.RenewInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var asked = time.GetTimestamp();
            string? problem = null;
            try
            {
                if (await leases.RenewAsync(ownership.InstanceId, epoch, stoppingToken).WaitAsync(options.RenewInterval, time, stoppingToken))
                {
                    // Renewed at our epoch: no other took the lease meanwhile (taking it raises the epoch). If this process was
                    // held up past the lease by its own clock (a long pause, a starved thread pool), it did nothing while it
                    // was, and it may go on: what it held back goes on too.
                    var late = ownership.Extend(asked + Ticks(options.LeaseTtl - Margin));
                    if (late > TimeSpan.Zero)
                        LogHeldUp(late.TotalMilliseconds, epoch);
                    continue;
                }
                else
                    problem = "another coordinator holds it now";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (ownership.IsOwner)
                {
                    LogRenewFailed(ex.Message);
                    continue; // the lease still runs: try again
                }
                problem = $"it could not be renewed in time ({ex.Message})";
            }
            ownership.Lose();
            LogLost(ownership.InstanceId, epoch, problem);
            lifetime.StopApplication();
            return;
        }
        if (ownership.IsOwner)
        {
            ownership.Lose();
            try
            {
                await leases.ReleaseAsync(ownership.InstanceId, epoch, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
                LogReleased(epoch);
            }
            catch (Exception ex)
            {
                LogReleaseFailed(ex.Message);
            }
        }
    }

    /// <summary>Once the host has started (the bus among it): the activations, in order; then this coordinator owns the task path.</summary>
    async Task ActivateAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        // The host has started, but the bus may still be starting (or waiting for the broker): endpoints are connected to a
        // started bus only (connecting during its start races its own bookkeeping).
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, stoppingToken);
        foreach (var activation in activations.OrderBy(a => a.Order))
            await activation.ActivateAsync(stoppingToken);
        ownership.Activated();
        LogOwning(ownership.Epoch);
    }

    long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    [LoggerMessage(LogLevel.Information, "Coordinator {Instance} took the task path's lease (epoch {Epoch}); restoring and taking over")]
    partial void LogAcquired(string instance, long epoch);

    [LoggerMessage(LogLevel.Information, "This coordinator owns the task path (epoch {Epoch}): consuming its queues")]
    partial void LogOwning(long epoch);

    [LoggerMessage(LogLevel.Information, "Coordinator {Instance} is a standby: {Holder} owns the task path (at {Url}, epoch {Epoch})")]
    partial void LogStandby(string instance, string holder, string url, long epoch);

    [LoggerMessage(LogLevel.Warning, "Could not try the task path's lease: {Error}")]
    partial void LogAcquireFailed(string error);

    [LoggerMessage(LogLevel.Warning, "This coordinator was held up {LateMs:0} ms past its lease by its own clock, but renewed it at epoch {Epoch} (no other took it): going on")]
    partial void LogHeldUp(double lateMs, long epoch);

    [LoggerMessage(LogLevel.Warning, "Could not renew the task path's lease: {Error}; trying again while it lasts")]
    partial void LogRenewFailed(string error);

    [LoggerMessage(LogLevel.Critical, "Coordinator {Instance} lost the task path's lease (epoch {Epoch}): {Problem}. It acts no more and stops")]
    partial void LogLost(string instance, long epoch, string problem);

    [LoggerMessage(LogLevel.Error, "Taking over the task path failed: {Error}; stopping")]
    partial void LogActivationFailed(string error);

    [LoggerMessage(LogLevel.Information, "Released the task path's lease (epoch {Epoch}) on the way out")]
    partial void LogReleased(long epoch);

    [LoggerMessage(LogLevel.Warning, "Could not release the task path's lease: {Error}; a standby takes it when it runs out")]
    partial void LogReleaseFailed(string error);
}
