using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Agents;

/// <summary>
/// One agent's lifecycle. Agents enter Active on registration; their own heartbeats move them among
/// Active, Degraded and Unhealthy; the health sweep's verdicts move silent agents to Unhealthy and
/// then Failed; a graceful stop goes through Draining to Unregistered. Failed and Unregistered agents
/// come back only by registering again.
/// </summary>
public sealed class AgentStateMachine : MassTransitStateMachine<AgentState>
{
    public AgentStateMachine(RegistrationRules rules, TimeProvider time)
    {
        InstanceState(x => x.CurrentState);

        Event(() => RegisterRequested, e => e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId)));
        Event(() => HealthReported, e =>
        {
            e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId));
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => DrainRequested, e =>
        {
            e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId));
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => UnregisterRequested, e =>
        {
            e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId));
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => HeartbeatMissed, e =>
        {
            e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId));
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => FailureDetected, e =>
        {
            e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId));
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => HealthAssessed, e =>
        {
            e.CorrelateById(ctx => AgentIdentity.CorrelationIdOf(ctx.Message.AgentId));
            e.OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(RegisterRequested, ctx => rules.Validate(ctx.Message) is null)
                .Then(ctx => ApplyRegistration(ctx, time))
                .TransitionTo(Active)
                .Activity(x => x.OfType<AcceptRegistrationActivity>()),
            When(RegisterRequested, ctx => rules.Validate(ctx.Message) is not null)
                .Activity(x => x.OfType<RejectRegistrationActivity>())
                .Finalize());

        During(Active, Degraded, Draining,
            // A live agent re-confirming its registration: an answer, and no write unless there is news to clear (the
            // eviction it was told of once, on the registration that brought it back). A fleet's re-confirmations cost reads.
            When(RegisterRequested, ctx => rules.Validate(ctx.Message) is null && IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId))
                .If(ctx => ctx.Saga.WasEvicted, b => b.Then(ctx =>
                {
                    ctx.Saga.UpdatedAt = time.GetUtcNow();
                    ctx.Saga.WasEvicted = false;
                }))
                .If(ctx => ctx.ResponseAddress is not null, b => b.RespondAsync(ctx => ctx.Init<AgentRegistered>(RegisteredFrom(ctx.Saga, time)))),
            When(RegisterRequested, ctx => rules.Validate(ctx.Message) is not null || !IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId))
                .Activity(x => x.OfType<RejectRegistrationActivity>()));

        During(Unhealthy, Failed, Unregistered,
            When(RegisterRequested, ctx => rules.Validate(ctx.Message) is null)
                // A new process takes over an unhealthy agent's id: the instance it replaces is gone, and so is whatever it held.
                .If(ctx => ctx.Saga.CurrentState == nameof(Unhealthy) && !IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId),
                    b => b.PublishAsync(ctx => ctx.Init<AgentFailed>(new AgentFailed
                    {
                        AgentId = ctx.Saga.AgentId,
                        InstanceId = ctx.Saga.InstanceId,
                        Reason = $"replaced by a new instance ({ctx.Message.InstanceId}) while {ctx.Saga.StateReason}",
                        LastHeartbeat = ctx.Saga.LastHeartbeat,
                        ReplacedBy = ctx.Message.InstanceId,
                        Timestamp = time.GetUtcNow(),
                    })))
                .Then(ctx => ApplyRegistration(ctx, time))
                .TransitionTo(Active)
                .Activity(x => x.OfType<AcceptRegistrationActivity>()),
            When(RegisterRequested, ctx => rules.Validate(ctx.Message) is not null)
                .Activity(x => x.OfType<RejectRegistrationActivity>()));

        // What the agent's heartbeats say, forwarded by the heartbeat consumer only when it matters here: a different
        // reported status, or a sign of life after silence. Other heartbeats never reach the saga.
        During(Active, Degraded, Unhealthy,
            When(HealthReported, ctx => IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId))
                .Then(ctx => RecordReport(ctx, time))
                .If(ctx => IsLatest(ctx) && Effective(ctx.Saga) == AgentHealthStatus.Healthy, b => b.TransitionTo(Active))
                .If(ctx => IsLatest(ctx) && Effective(ctx.Saga) == AgentHealthStatus.Degraded, b => b.TransitionTo(Degraded))
                .If(ctx => IsLatest(ctx) && Effective(ctx.Saga) == AgentHealthStatus.Unhealthy, b => b.TransitionTo(Unhealthy)));

        // The coordinator's own verdict: the state follows the worse of it and the agent's report. An agent
        // unhealthy for missing heartbeats stays so until it is heard from again.
        During(Active, Degraded, Unhealthy,
            When(HealthAssessed)
                .Then(ctx => ApplyAssessment(ctx.Saga, ctx.Message, time))
                .If(ctx => ctx.Saga.MissedHeartbeats == 0 && Effective(ctx.Saga) == AgentHealthStatus.Healthy, b => b.TransitionTo(Active))
                .If(ctx => ctx.Saga.MissedHeartbeats == 0 && Effective(ctx.Saga) == AgentHealthStatus.Degraded, b => b.TransitionTo(Degraded))
                .If(ctx => Effective(ctx.Saga) == AgentHealthStatus.Unhealthy, b => b.TransitionTo(Unhealthy)));
        During(Draining,
            When(HealthAssessed).Then(ctx => ApplyAssessment(ctx.Saga, ctx.Message, time)));

        During(Draining,
            When(HealthReported, ctx => IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId))
                .Then(ctx => RecordReport(ctx, time)));

        // A report of an instance that is no longer the registered one (it was replaced meanwhile) is out of date.
        During(Active, Degraded, Unhealthy, Draining,
            When(HealthReported, ctx => !IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId)));

        During(Active, Degraded, Draining,
            When(HeartbeatMissed, ctx => !IsStaleVerdict(ctx.Saga, ctx.Message.LastHeartbeat))
                .Then(ctx =>
                {
                    ctx.Saga.MissedHeartbeats = ctx.Message.MissedHeartbeats;
                    ctx.Saga.StateReason = $"missed {ctx.Message.MissedHeartbeats} heartbeats";
                    ctx.Saga.UpdatedAt = time.GetUtcNow();
                })
                .TransitionTo(Unhealthy));

        During(Unhealthy,
            When(HeartbeatMissed, ctx => !IsStaleVerdict(ctx.Saga, ctx.Message.LastHeartbeat))
                .Then(ctx => ctx.Saga.MissedHeartbeats = Math.Max(ctx.Saga.MissedHeartbeats, ctx.Message.MissedHeartbeats)));

        During(Active, Degraded, Unhealthy, Draining,
            When(FailureDetected, ctx => !IsStaleVerdict(ctx.Saga, ctx.Message.LastHeartbeat))
                .Then(ctx =>
                {
                    ctx.Saga.StateReason = ctx.Message.Reason;
                    ctx.Saga.UpdatedAt = time.GetUtcNow();
                })
                .TransitionTo(Failed),
            When(DrainRequested, ctx => IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId))
                .Then(ctx =>
                {
                    ctx.Saga.StateReason = "agent is stopping gracefully";
                    ctx.Saga.UpdatedAt = time.GetUtcNow();
                })
                .TransitionTo(Draining));

        During([Active, Degraded, Unhealthy, Draining, Failed],
            When(UnregisterRequested, ctx => IsCurrentInstance(ctx.Saga, ctx.Message.InstanceId))
                .Then(ctx =>
                {
                    ctx.Saga.StateReason = string.IsNullOrWhiteSpace(ctx.Message.Reason) ? "agent unregistered" : ctx.Message.Reason;
                    ctx.Saga.ActiveTasks = 0;
                    ctx.Saga.UpdatedAt = time.GetUtcNow();
                })
                .TransitionTo(Unregistered));

        // Late and duplicate events, ignored explicitly.
        During(Failed,
            Ignore(HealthReported),
            Ignore(HeartbeatMissed),
            Ignore(FailureDetected),
            Ignore(HealthAssessed),
            Ignore(DrainRequested));
        During(Unregistered,
            Ignore(HealthAssessed),
            Ignore(HealthReported),
            Ignore(HeartbeatMissed),
            Ignore(FailureDetected),
            Ignore(DrainRequested),
            Ignore(UnregisterRequested));

        BeforeEnterAny(b => b.Then(ctx => ctx.Saga.PreviousState = ctx.Saga.CurrentState ?? ""));
        WhenEnterAny(b => b.PublishAsync(ctx => ctx.Init<AgentStateChanged>(new AgentStateChanged
        {
            AgentId = ctx.Saga.AgentId,
            PreviousState = ctx.Saga.PreviousState,
            State = ctx.Saga.CurrentState,
            Reason = ctx.Saga.StateReason,
            Timestamp = time.GetUtcNow(),
        })));
        WhenEnter(Failed, b => b.PublishAsync(ctx => ctx.Init<AgentFailed>(new AgentFailed
        {
            AgentId = ctx.Saga.AgentId,
            InstanceId = ctx.Saga.InstanceId,
            Reason = ctx.Saga.StateReason,
            LastHeartbeat = ctx.Saga.LastHeartbeat,
            Timestamp = time.GetUtcNow(),
        })));
        WhenEnter(Unregistered, b => b.PublishAsync(ctx => ctx.Init<AgentUnregistered>(new AgentUnregistered
        {
            AgentId = ctx.Saga.AgentId,
            InstanceId = ctx.Saga.InstanceId,
            Reason = ctx.Saga.StateReason,
            Timestamp = time.GetUtcNow(),
        })));

        SetCompletedWhenFinalized();
    }

    public State Active { get; private set; } = null!;
    public State Degraded { get; private set; } = null!;
    public State Unhealthy { get; private set; } = null!;
    public State Draining { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Unregistered { get; private set; } = null!;

    public Event<RegisterAgent> RegisterRequested { get; private set; } = null!;
    public Event<AgentHealthReported> HealthReported { get; private set; } = null!;
    public Event<DrainAgent> DrainRequested { get; private set; } = null!;
    public Event<UnregisterAgent> UnregisterRequested { get; private set; } = null!;
    public Event<AgentHeartbeatMissed> HeartbeatMissed { get; private set; } = null!;
    public Event<AgentFailureDetected> FailureDetected { get; private set; } = null!;
    public Event<AgentHealthAssessed> HealthAssessed { get; private set; } = null!;

    internal static bool IsCurrentInstance(AgentState saga, Guid instanceId) => saga.InstanceId == instanceId;

    /// <summary>A verdict made before the agent's latest heartbeat arrived is out of date.</summary>
    static bool IsStaleVerdict(AgentState saga, DateTimeOffset? verdictLastHeartbeat) =>
        verdictLastHeartbeat is { } seen && saga.LastHeartbeat is { } latest && latest > seen;

    /// <summary>The worse of the agent's own report and the coordinator's assessment.</summary>
    internal static AgentHealthStatus Effective(AgentState saga)
    {
        var reported = StatusOf(saga.ReportedStatus);
        var assessed = StatusOf(saga.AssessedStatus);
        return reported > assessed ? reported : assessed;
    }

    /// <summary>A health status as the saga stores it (by name); empty, from before the column existed, is Healthy.</summary>
    internal static AgentHealthStatus StatusOf(string stored) =>
        Enum.TryParse<AgentHealthStatus>(stored, out var status) ? status : AgentHealthStatus.Healthy;

    static void ApplyAssessment(AgentState saga, AgentHealthAssessed message, TimeProvider time)
    {
        saga.AssessedStatus = message.Status.ToString();
        saga.AssessedReason = message.Reason;
        saga.UpdatedAt = time.GetUtcNow();
        // A draining agent, or one unhealthy for its silence, keeps the reason it has.
        if (saga.CurrentState != "Draining" && saga.MissedHeartbeats == 0)
            saga.StateReason = ReasonFor(saga);
    }

    /// <summary>Why the agent is in its state: the coordinator's finding when that is what decides it, else the agent's report.</summary>
    static string ReasonFor(AgentState saga)
    {
        var reported = StatusOf(saga.ReportedStatus);
        if (Effective(saga) > reported)
            return $"coordinator: {saga.AssessedReason}";
        return reported == AgentHealthStatus.Healthy ? "heartbeat" : $"agent reported {reported}";
    }

    static bool IsLatest(BehaviorContext<AgentState, AgentHealthReported> ctx) => ctx.Saga.LastHeartbeatSentAt == ctx.Message.SentAt.ToUniversalTime();

    static void ApplyRegistration(BehaviorContext<AgentState, RegisterAgent> ctx, TimeProvider time)
    {
        var saga = ctx.Saga;
        var message = ctx.Message;
        var now = time.GetUtcNow();
        saga.WasEvicted = saga.CurrentState == nameof(Failed) && saga.InstanceId == message.InstanceId;
        saga.AgentId = message.AgentId;
        saga.InstanceId = message.InstanceId;
        saga.Capabilities = message.Capabilities.Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        saga.CpuCores = message.Resources.CpuCores;
        saga.MemoryMb = message.Resources.MemoryMb;
        saga.DiskMb = message.Resources.DiskMb;
        saga.MaxConcurrentTasks = message.MaxConcurrentTasks;
        saga.AgentType = message.Metadata?.AgentType ?? "";
        saga.AgentVersion = message.Metadata?.Version ?? "";
        saga.HostName = message.Metadata?.HostName ?? "";
        saga.ProcessId = message.Metadata?.ProcessId ?? 0;
        saga.StartedAt = message.Metadata?.StartedAt.ToUniversalTime() ?? now;
        saga.Labels = message.Metadata?.Labels?.ToDictionary() ?? [];
        saga.RegisteredAt = now;
        // Registration counts as a sign of life: the sweep measures silence from here.
        saga.LastHeartbeat = now;
        saga.LastHeartbeatSentAt = null;
        saga.ReportedStatus = nameof(AgentHealthStatus.Healthy);
        saga.AssessedStatus = nameof(AgentHealthStatus.Healthy);
        saga.AssessedReason = "";
        saga.ActiveTasks = 0;
        saga.ErrorCount = 0;
        saga.MissedHeartbeats = 0;
        saga.StateReason = "registered";
        saga.UpdatedAt = now;
    }

    static void RecordReport(BehaviorContext<AgentState, AgentHealthReported> ctx, TimeProvider time)
    {
        var saga = ctx.Saga;
        var message = ctx.Message;
        saga.UpdatedAt = time.GetUtcNow();
        saga.HeartbeatCount = Math.Max(saga.HeartbeatCount, message.HeartbeatCount);
        // Liveness is measured on the coordinator's clock (when it heard the heartbeat); the agent's own timestamp only orders reports.
        var heard = message.LastHeartbeat.ToUniversalTime();
        if (saga.LastHeartbeat is null || saga.LastHeartbeat < heard)
            saga.LastHeartbeat = heard;
        var sent = message.SentAt.ToUniversalTime();
        if (saga.LastHeartbeatSentAt is { } latest && latest > sent)
            return; // out of order: an older report never overwrites a newer one

        var health = message.Health;
        saga.LastHeartbeatSentAt = sent;
        saga.ReportedStatus = health.Status.ToString();
        saga.CpuPercent = health.Usage.CpuPercent;
        saga.MemoryUsedMb = health.Usage.MemoryMb;
        saga.DiskUsedMb = health.Usage.DiskMb;
        saga.ActiveTasks = health.ActiveTasks;
        saga.ErrorCount = health.ErrorCount;
        saga.MissedHeartbeats = 0;
        saga.StateReason = ReasonFor(saga);
    }

    internal static AgentRegistered RegisteredFrom(AgentState saga, TimeProvider time) => new()
    {
        AgentId = saga.AgentId,
        InstanceId = saga.InstanceId,
        Capabilities = saga.Capabilities,
        Resources = new AgentResources { CpuCores = saga.CpuCores, MemoryMb = saga.MemoryMb, DiskMb = saga.DiskMb },
        MaxConcurrentTasks = saga.MaxConcurrentTasks,
        WasEvicted = saga.WasEvicted,
        RegisteredAt = saga.RegisteredAt,
        Timestamp = time.GetUtcNow(),
    };
}
