using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>
/// Registers the agent, heartbeats every interval, and on a graceful stop drains and unregisters.
/// Any failed send (the broker went away) drops back to registering, so the agent registers again
/// as soon as the broker returns.
/// </summary>
internal sealed partial class AgentLifecycleService(
    AgentInstance instance,
    AgentOptions options,
    IBus bus,
    ProcessUsageSampler sampler,
    TaskActivity activity,
    Tasks.HeldAssignments assignments,
    Tasks.OwnerEpoch owners,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<AgentLifecycleService> logger) : BackgroundService
{
    static readonly Uri ControlAddress = new($"exchange:{EntityNames.AgentControl}");
    /// <summary>Heartbeats go apart from the commands, so the coordinator takes a registration before a fleet's heartbeats.</summary>
    static readonly Uri HeartbeatAddress = new($"exchange:{EntityNames.Heartbeats}");

    readonly CancellationTokenSource _heartbeats = new();
    volatile bool _registered;
    volatile bool _refusedForGood;
    volatile bool _everAccepted;

    /// <summary>
    /// The coordinator refused a heartbeat of this instance (it was declared failed, e.g. after a pause):
    /// stop the stale work now and register again, clean, at the next tick.
    /// </summary>
    public void Evicted(string reason)
    {
        LogEvicted(instance.AgentId, reason, activity.Active);
        activity.Evict();
        _registered = false;
    }

    /// <summary>
    /// A live agent re-confirms its registration this often: a safety net only (a refused heartbeat already tells it to
    /// register again), and each costs the coordinator a read of its state machine, so rare.
    /// </summary>
    TimeSpan RegistrationRefreshInterval => options.HeartbeatInterval * 60;

    TimeSpan SendTimeout => options.HeartbeatInterval * 3 > TimeSpan.FromSeconds(5) ? options.HeartbeatInterval * 3 : TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var token = _heartbeats.Token;
        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        var lastConfirmed = time.GetTimestamp();
        Task reconfirming = Task.CompletedTask;
        try
        {
            do
            {
                if (!_registered)
                {
                    // Not before the bus's own endpoints are bound: a registration sent earlier can have its answer lost
                    // (the response queue not there yet), and an agent waiting for it stays silent long enough to be failed.
                    if (!BusReady())
                        continue;
                    _registered = await TryRegisterAsync(token);
                    if (_registered)
                        lastConfirmed = time.GetTimestamp();
                    continue;
                }
                if (!await TrySendAsync(Heartbeat(), token))
                {
                    _registered = false;
                    continue;
                }
                TouchHealthFile();
                if (time.GetElapsedTime(lastConfirmed) >= RegistrationRefreshInterval && reconfirming.IsCompleted)
                {
                    // Also re-confirmed now and then, beside the heartbeat and without holding up the next one (a coordinator
                    // that is behind answers late): registering again is idempotent while this instance is current, and
                    // brings it back if the coordinator declared it failed while its messages could not get through.
                    lastConfirmed = time.GetTimestamp();
                    reconfirming = ReconfirmAsync(token);
                }
            }
            while (await timer.WaitForNextTickAsync(token));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        await reconfirming;
    }

    bool BusReady() => bus is not IBusControl control || control.CheckHealth().Status is BusHealthStatus.Healthy or BusHealthStatus.Degraded;

    /// <summary>Agent:HealthFile, when set: its age tells a container's health check whether heartbeats get through.</summary>
    void TouchHealthFile()
    {
        if (string.IsNullOrWhiteSpace(options.HealthFile))
            return;
        try
        {
            File.WriteAllText(options.HealthFile, time.GetUtcNow().ToString("O"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogHealthFileFailed(options.HealthFile, ex.Message);
        }
    }

    async Task ReconfirmAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (!await TryRegisterAsync(cancellationToken))
            _registered = false;
    }

    /// <summary>
    /// Drain, wait for running work, unregister. Sent even when no answer to the registration has arrived
    /// yet (it may have been accepted meanwhile); the coordinator discards both for an unknown agent.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_refusedForGood)
        {
            // Never registered, and whatever it sent now would be refused too.
            await _heartbeats.CancelAsync();
            await base.StopAsync(cancellationToken);
            return;
        }
        LogDraining(instance.AgentId, activity.Active + assignments.Waiting);
        await TrySendAsync(new DrainAgent { AgentId = instance.AgentId, InstanceId = instance.InstanceId, Timestamp = time.GetUtcNow() },
            cancellationToken);
        await WaitForRunningTasksAsync(cancellationToken);

        await _heartbeats.CancelAsync();
        await base.StopAsync(cancellationToken);

        if (await TrySendAsync(new UnregisterAgent
            {
                AgentId = instance.AgentId,
                InstanceId = instance.InstanceId,
                Reason = "graceful stop",
                Timestamp = time.GetUtcNow(),
            }, cancellationToken))
            LogUnregistered(instance.AgentId);
    }

    /// <summary>Running and waiting work; heartbeats keep flowing meanwhile, so a long drain is not mistaken for a failure.</summary>
    async Task WaitForRunningTasksAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.DrainTimeout;
        while ((activity.Active > 0 || assignments.Waiting > 0) && time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    async Task<bool> TryRegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            var client = bus.CreateRequestClient<RegisterAgent>(ControlAddress, RequestTimeout.After(ms: (int)SendTimeout.TotalMilliseconds));
            // Tasks that start once this request is on its way may be new, current work: only those started
            // before it are stale if the answer says this instance had been evicted.
            var startedBefore = activity.BeginGeneration();
            var response = await client.GetResponse<AgentRegistered, AgentRegistrationRejected>(instance.Registration(), cancellationToken);
            if (response.Is(out Response<AgentRegistrationRejected>? rejected))
            {
                if (rejected!.Message.Final && !_everAccepted)
                {
                    // Its broker user may not speak for it: every later attempt would be refused the same way.
                    LogRefusedForGood(instance.AgentId, rejected.Message.Reason);
                    _refusedForGood = true;
                    Environment.ExitCode = 1;
                    lifetime.StopApplication();
                    return false;
                }
                LogRejected(instance.AgentId, rejected.Message.Reason);
                return false;
            }
            if (response.Is(out Response<AgentRegistered>? registered))
            {
                if (registered!.Message.WasEvicted)
                {
                    LogEvicted(instance.AgentId, "it had been declared failed; its tasks were moved", activity.Active);
                    await startedBefore.CancelAsync();
                }
                var message = registered.Message;
                instance.Accepted(message.RegisteredAt == default ? message.Timestamp : message.RegisteredAt, message.WasEvicted);
                _everAccepted = true; // from here a refusal (a coordinator with other settings, say) is not taken as final: it may hold work
            }
            // Registered anew (a coordinator or its database may have been replaced): epochs count again from the next assignment.
            owners.Reset();
            LogRegistered(instance.AgentId, instance.InstanceId, string.Join(',', instance.Capabilities));
            return true;
        }
        catch (Exception ex) when (ex is RequestTimeoutException or OperationCanceledException or MassTransitException
                                       && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(instance.AgentId, ex.Message);
            return false;
        }
    }

    async Task<bool> TrySendAsync<T>(T message, CancellationToken cancellationToken) where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        try
        {
            // No time-to-live on heartbeats: one that waits in the coordinator's queue is counted there (a coordinator that
            // is behind judges silence net of what waits), and the queue itself is bounded, the oldest dropped first. Nor
            // are they written to the broker's disk: a heartbeat is worth nothing after a broker restart. A command nobody
            // read within a few intervals is worthless: the broker drops it.
            var endpoint = await bus.GetSendEndpoint(message is AgentHeartbeat ? HeartbeatAddress : ControlAddress);
            await endpoint.Send(message, ctx =>
            {
                if (message is AgentHeartbeat)
                    ctx.Durable = false;
                else
                    ctx.TimeToLive = options.HeartbeatInterval * 5;
            }, timeout.Token);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogSendFailed(instance.AgentId, typeof(T).Name, ex.Message);
            return false;
        }
    }

    AgentHeartbeat Heartbeat()
    {
        var usage = sampler.Sample();
        var now = time.GetUtcNow();
        return new AgentHeartbeat
        {
            AgentId = instance.AgentId,
            InstanceId = instance.InstanceId,
            Health = new AgentHealthCheck
            {
                Status = HealthAssessment.Assess(usage, options),
                Usage = usage,
                ActiveTasks = activity.Active,
                LastHeartbeat = now,
                ErrorCount = activity.Errors,
            },
            Timestamp = now,
        };
    }

    public override void Dispose()
    {
        _heartbeats.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} registered as instance {InstanceId} with capabilities {Capabilities}")]
    partial void LogRegistered(string agentId, Guid instanceId, string capabilities);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} registration rejected: {Reason}; retrying")]
    partial void LogRejected(string agentId, string reason);

    [LoggerMessage(LogLevel.Critical, "Agent {AgentId} registration refused for good: {Reason}. Start it as its own broker user " +
                                      "(coordinator-cli agents credentials <agent-id>) or with Agent:BootstrapToken; stopping")]
    partial void LogRefusedForGood(string agentId, string reason);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} cannot reach the coordinator ({Error}); retrying")]
    partial void LogUnreachable(string agentId, string error);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} could not send {MessageType} ({Error}); will register again when the broker returns")]
    partial void LogSendFailed(string agentId, string messageType, string error);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} draining: {ActiveTasks} tasks still running")]
    partial void LogDraining(string agentId, int activeTasks);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} evicted by the coordinator ({Reason}): abandoning {ActiveTasks} running task(s), registering again")]
    partial void LogEvicted(string agentId, string reason, int activeTasks);

    [LoggerMessage(LogLevel.Warning, "Could not write the health file {Path}: {Error}")]
    partial void LogHealthFileFailed(string path, string error);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} unregistered")]
    partial void LogUnregistered(string agentId);
}
