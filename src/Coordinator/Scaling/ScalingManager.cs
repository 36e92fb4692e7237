using System.Collections.Concurrent;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Provisioning;
using Coordinator.Tasks;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Scaling;

/// <summary>
/// Grows and shrinks the fleet by demand. Each check (a Quartz job every <c>Scaling:CheckInterval</c>) reconciles
/// the agents it runs with what the registry and the provisioner see, takes a snapshot, asks
/// <see cref="ScalingPolicy"/>, and acts: starts agents of the chosen profiles, or drains the chosen ones and stops
/// them once they hold nothing. Starting and draining run in the background; the check never waits on them.
/// A lost agent (failed, or its process exited) is stopped and, below the minimum, replaced at once.
/// </summary>
public sealed partial class ScalingManager(
    ScalingOptions options,
    Resources.ResourceLimitsOptions limits,
    AgentRegistry registry,
    TaskPlacement placement,
    TaskDemand demand,
    IAgentProvisioner provisioner,
    AgentDrainer drainer,
    IBus bus,
    TimeProvider time,
    ILogger<ScalingManager> logger)
{
    const int DecisionsKept = 50;

    /// <summary>An agent lost within this time of starting counts toward its profile's failures in a row (a crash loop).</summary>
    static readonly TimeSpan QuickLoss = TimeSpan.FromMinutes(1);

    /// <summary>An agent this manager started.</summary>
    sealed class Run(string agentId, AgentProfile profile, ScalingTrigger trigger, DateTimeOffset decidedAt)
    {
        /// <summary>The id it was started as; the platform's name for it once the provisioner answers (a Kubernetes pod's).</summary>
        public string AgentId { get; private set; } = agentId;
        public AgentProfile Profile { get; } = profile;
        public ScalingTrigger Trigger { get; } = trigger;
        public DateTimeOffset DecidedAt { get; } = decidedAt;
        public RunPhase Phase { get; set; } = RunPhase.Starting;
        public DateTimeOffset? ActiveAt { get; set; }
        public DateTimeOffset? DrainingSince { get; set; }
        public string? StartError { get; set; }
        /// <summary>Found running at start (left by a previous coordinator), not started by this one: no response time of its own.</summary>
        public bool Adopted { get; init; }

        public void Rename(string agentId) => AgentId = agentId;
    }

    sealed record StartFailures(int InARow, DateTimeOffset RetryAt, string LastError, DateTimeOffset At);

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, StartFailures> _startFailures = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentQueue<FleetMember> _lost = new();
    /// <summary>Agents it ran that are gone, left out of the fleet until the registry has caught up with them.</summary>
    readonly ConcurrentDictionary<string, DateTimeOffset> _gone = new(StringComparer.Ordinal);
    readonly LinkedList<ScalingDecisionRecord> _decisions = new();
    readonly List<double> _responseSeconds = [];
    ScalingMemory _memory = ScalingMemory.Empty;
    HoltForecast? _forecast;
    long? _lastAccepted;
    DateTimeOffset _lastSampleAt;
    double _arrivalRate;
    ScalingDecision? _lastDecision;
    ScalingSnapshot? _lastSnapshot;
    HashSet<string> _unservableReported = [];
    CancellationToken _stopping = CancellationToken.None;
    bool _adopted;

    public bool Enabled => options.Enabled;

    /// <summary>An agent it started became Active: seconds from the decision (the scaling response time).</summary>
    public event Action<double>? Responded;

    /// <summary>Agents started (Up) or drained (Down), by what triggered it.</summary>
    public event Action<ScalingAction, ScalingTrigger, int>? Scaled;

    /// <summary>Asks for a check as soon as possible (an agent it runs was lost); set by the registration.</summary>
    internal Action? RequestCheck { get; set; }

    internal void Begin(CancellationToken stopping)
    {
        _stopping = stopping;
        provisioner.Exited += OnExited;
        provisioner.Adopted += OnAdopted;
    }

    /// <summary>The platform replaced a lost agent itself (a Kubernetes pod): counted as this manager's, Starting until Active.</summary>
    void OnAdopted(ProvisionedAgentSpec spec)
    {
        if (spec.Labels.GetValueOrDefault("profile") is not { } name || FindProfile(name) is not { } profile)
            return;
        if (_runs.TryAdd(spec.AgentId, new Run(spec.AgentId, profile, ScalingTrigger.AgentFailed, time.GetUtcNow()) { Adopted = true }))
            LogAdopted(spec.AgentId, profile.Name);
        RequestCheck?.Invoke();
    }

    void OnExited(string agentId)
    {
        if (_runs.ContainsKey(agentId))
            RequestCheck?.Invoke();
    }

    /// <summary>One check: reconcile, decide, act. Run by <see cref="ScalingCheckJob"/>.</summary>
    public async Task<ScalingDecision?> CheckAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
            return null;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopping.IsCancellationRequested)
                return null; // the coordinator is stopping: it starts nothing more
            if (!_adopted)
                await AdoptAsync(cancellationToken);
            Reconcile();
            var snapshot = await SnapshotAsync(sample: true, cancellationToken);
            var decision = ScalingPolicy.Decide(snapshot, _memory, options);
            _memory = decision.Memory;
            _lastSnapshot = snapshot;
            ReportUnservable(decision.Unservable);
            switch (decision.Action)
            {
                case ScalingAction.Up:
                    var started = new List<string>();
                    foreach (var start in decision.Start)
                        started.AddRange(await StartAsync(start.Profile, start.Count, decision.Trigger, decision.Reason, decision.Current, decision.Desired));
                    Record(decision, started);
                    break;
                case ScalingAction.Down:
                    await DrainAsync(decision.Stop, ScalingTrigger.Idle, decision.Reason, decision.Current, decision.Desired);
                    Record(decision, decision.Stop);
                    break;
                default:
                    if (decision.Trigger != ScalingTrigger.None && HeldFor(decision) != HeldFor(_lastDecision))
                    {
                        LogHeld(decision.Trigger, decision.Reason);
                        Record(decision, []);
                    }
                    break;
            }
            _lastDecision = decision;
            return decision;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts <paramref name="count"/> agents (of the profile, else the default) within the maximum, budget and resources; returns their ids.</summary>
    public async Task<ScalingChange> ScaleUpAsync(int count, string? profileName, string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopping.ThrowIfCancellationRequested();
            Reconcile();
            var profile = profileName is null ? options.Profiles[0] : FindProfile(profileName)
                ?? throw new ArgumentException($"profile '{profileName}' is not configured; known: {string.Join(", ", options.Profiles.Select(p => p.Name))}");
            var snapshot = await SnapshotAsync(sample: false, cancellationToken);
            var (start, held) = ScalingPolicy.Fit([new ProfileCount(profile.Name, count)], snapshot with { BackingOff = new HashSet<string>() }, options, count);
            var room = start.Sum(s => s.Count);
            var current = snapshot.Agents.Count(a => a.Live);
            var ids = await StartAsync(profile.Name, room, ScalingTrigger.Manual, reason, current, current + room);
            if (ids.Count > 0)
                _memory = _memory with { LastScaleUp = time.GetUtcNow(), CalmSince = null }; // the cooldowns apply after any change
            var why = held.Count == 0 ? reason : $"{reason}; limited: {string.Join("; ", held)}";
            Record(Manual(ScalingAction.Up, why, current, current + ids.Count), ids);
            return new ScalingChange(ids, why);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drains then stops up to <paramref name="count"/> agents it runs, idle or least loaded first, never below the minimum; returns their ids.</summary>
    public async Task<ScalingChange> ScaleDownAsync(int count, string reason, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _stopping.ThrowIfCancellationRequested();
            Reconcile();
            var snapshot = await SnapshotAsync(sample: false, cancellationToken);
            var live = snapshot.Agents.Where(a => a.Live).ToList();
            var room = Math.Max(0, Math.Min(count, live.Count - options.MinAgents));
            var chosen = live.Where(a => a.Owned && !a.Starting)
                .OrderBy(a => a.InFlight).ThenByDescending(a => a.CostPerHour).ThenByDescending(a => a.Since)
                .Take(room).Select(a => a.AgentId).ToList();
            var why = chosen.Count < count ? $"{reason}; limited by the minimum of {options.MinAgents} and the agents it runs" : reason;
            await DrainAsync(chosen, ScalingTrigger.Manual, why, live.Count, live.Count - chosen.Count);
            if (chosen.Count > 0)
                _memory = _memory with { LastScaleDown = time.GetUtcNow() };
            Record(Manual(ScalingAction.Down, why, live.Count, live.Count - chosen.Count), chosen);
            return new ScalingChange(chosen, why);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The scaling metrics: fleet size and bounds, what the last check saw, the forecast, cost, and the last decisions.</summary>
    public async Task<ScalingView> ViewAsync(CancellationToken cancellationToken)
    {
        var snapshot = _lastSnapshot ?? await SnapshotAsync(sample: false, cancellationToken);
        var live = snapshot.Agents.Count(a => a.Live);
        // Should it grow? Should it shrink? Each answered with its reason, on what the last check saw and what it remembers now.
        var up = ScalingPolicy.ShouldScaleUp(snapshot, _memory, options);
        var down = ScalingPolicy.ShouldScaleDown(snapshot, _memory, options, up.Pressure);
        List<ScalingDecisionRecord> decisions;
        List<double> responses;
        lock (_decisions)
        {
            decisions = _decisions.ToList();
            responses = [.. _responseSeconds];
        }
        var now = time.GetUtcNow();
        return new ScalingView
        {
            Enabled = options.Enabled,
            Provisioner = provisioner.Name,
            Current = live,
            Desired = _lastDecision?.Desired ?? live,
            Min = options.MinAgents,
            Max = options.MaxAgents,
            CheckInterval = options.CheckInterval,
            Predictive = options.Predictive,
            Numbers = _lastDecision?.Numbers ?? new Dictionary<string, double>(),
            ArrivalRate = Math.Round(_arrivalRate, 3),
            ForecastRate = _forecast?.RateIn(options.ForecastHorizon) is { } forecast ? Math.Round(forecast, 3) : null,
            ForecastHorizon = options.ForecastHorizon,
            CostPerHour = Math.Round(snapshot.Agents.Where(a => a.Owned && (a.Live || a.Draining)).Sum(a => a.CostPerHour), 4),
            BudgetPerHour = options.BudgetPerHour,
            Agents = _runs.Values.OrderBy(r => r.AgentId, StringComparer.Ordinal).Select(r => new ScalingView.Agent(
                r.AgentId, r.Profile.Name, r.Phase.ToString(), registry.Find(r.AgentId)?.State ?? "", placement.LoadOf(r.AgentId),
                r.DecidedAt, r.ActiveAt, r.DrainingSince)).ToList(),
            UnservableDemand = (_lastDecision?.Unservable ?? []).Select(g => new ScalingView.Unservable(g.TaskType, g.RequiredCapabilities, g.Waiting)).ToList(),
            StartFailures = _startFailures.Select(kv => new ScalingView.StartFailure(kv.Key, kv.Value.InARow, kv.Value.LastError, kv.Value.At,
                kv.Value.RetryAt > now ? kv.Value.RetryAt : null)).ToList(),
            ShouldScaleUp = new ScalingView.Answer(up.Yes, up.Trigger.ToString(), up.Reason),
            ShouldScaleDown = new ScalingView.Answer(down.Yes, down.Yes ? nameof(ScalingTrigger.Idle) : nameof(ScalingTrigger.None), down.Reason),
            LastCheck = _lastDecision is { } last ? new ScalingView.Check(_lastSnapshot?.At ?? now, last.Action.ToString(), last.Trigger.ToString(), last.Reason) : null,
            ResponseSeconds = Summary(responses),
            Decisions = decisions,
            Profiles = options.Profiles,
        };
    }

    /// <summary>
    /// Stops every agent it runs (the coordinator is stopping): each drains and unregisters, or is killed after the grace.
    /// Not when the provisioner's agents outlive the coordinator (Kubernetes pods): the next coordinator adopts them.
    /// </summary>
    internal async Task StopAllAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        provisioner.Exited -= OnExited;
        provisioner.Adopted -= OnAdopted;
        if (provisioner.KeepsAgentsWhenStopping)
        {
            LogLeftRunning(_runs.Count, provisioner.Name);
            return;
        }
        // A check under way finishes first (its starts are then in the list); later ones see the coordinator stopping.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await Task.WhenAll(_runs.Keys.Select(id => provisioner.StopAsync(id, grace, cancellationToken)));
            _runs.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Once, before the first decision: agents a previous coordinator started for scaling and left running (containers found
    /// by their owner label) are counted as this one's own, so a restart keeps the fleet instead of starting another.
    /// </summary>
    async Task AdoptAsync(CancellationToken cancellationToken)
    {
        _adopted = true;
        var now = time.GetUtcNow();
        foreach (var spec in await provisioner.AdoptAsync(cancellationToken))
        {
            if (spec.Labels.GetValueOrDefault("profile") is not { } name || FindProfile(name) is not { } profile
                                                                           || options.Profiles.Count == 0)
                continue;
            // Starting until the registry shows it live (the registry may not be loaded yet), within StartTimeout as any start.
            _runs[spec.AgentId] = new Run(spec.AgentId, profile, ScalingTrigger.None, now) { Adopted = true };
            LogAdopted(spec.AgentId, profile.Name);
        }
    }

    /// <summary>Brings the agents it runs up to date: started ones that became Active, and lost ones (failed, or their process gone).</summary>
    void Reconcile()
    {
        var now = time.GetUtcNow();
        foreach (var (id, since) in _gone)
        {
            if (registry.Find(id)?.State is not { } state || !AgentStates.Live.Contains(state) || now - since > TimeSpan.FromMinutes(5))
                _gone.TryRemove(id, out _);
        }
        foreach (var run in _runs.Values)
        {
            var agent = registry.Find(run.AgentId);
            var running = provisioner.IsRunning(run.AgentId) != false;
            switch (run.Phase)
            {
                case RunPhase.Starting when agent?.State is AgentStates.Active or AgentStates.Degraded:
                    run.Phase = RunPhase.Running;
                    // Active from its registration on (the coordinator's clock), not from when this check noticed.
                    run.ActiveAt = agent.RegisteredAt >= run.DecidedAt && agent.RegisteredAt <= now ? agent.RegisteredAt : now;
                    if (run.Adopted)
                        break;
                    var response = (run.ActiveAt.Value - run.DecidedAt).TotalSeconds;
                    lock (_decisions)
                        Keep(_responseSeconds, response);
                    Responded?.Invoke(response);
                    LogActive(run.AgentId, run.Profile.Name, response);
                    break;
                case RunPhase.Starting when run.StartError is not null || !running || now - run.DecidedAt > options.StartTimeout:
                    var error = run.StartError
                                ?? (!running ? "its process exited before it became Active" : $"not Active within {options.StartTimeout.TotalSeconds:0} s");
                    StartFailed(run, error, now);
                    break;
                case RunPhase.Running when !running || agent is null || agent.State is AgentStates.Failed or AgentStates.Unregistered:
                    var why = !running ? "its process exited" : agent is null ? "it is no longer registered" : $"it is {agent.State}: {agent.StateReason}";
                    Lose(run, why);
                    break;
                case RunPhase.Running when now - run.ActiveAt > QuickLoss && _startFailures.TryGetValue(run.Profile.Name, out var failures)
                                           && failures.RetryAt <= now:
                    _startFailures.TryRemove(run.Profile.Name, out _); // a minute of good health: the profile's failures are behind it
                    break;
            }
        }
    }

    void StartFailed(Run run, string error, DateTimeOffset now)
    {
        _runs.TryRemove(run.AgentId, out _);
        _gone[run.AgentId] = now;
        _ = provisioner.StopAsync(run.AgentId, TimeSpan.Zero, CancellationToken.None);
        var inARow = (_startFailures.GetValueOrDefault(run.Profile.Name)?.InARow ?? 0) + 1;
        LogStartFailed(run.AgentId, run.Profile.Name, error, inARow, BackOff(run.Profile.Name, inARow, error, now).TotalSeconds);
    }

    /// <summary>The profile waits before its next start: doubling from StartRetryBackoff with each failure in a row, up to the maximum.</summary>
    TimeSpan BackOff(string profile, int inARow, string error, DateTimeOffset now)
    {
        var backoff = options.StartRetryBackoff * Math.Pow(2, Math.Min(inARow - 1, 16));
        if (backoff > options.MaxStartRetryBackoff)
            backoff = options.MaxStartRetryBackoff;
        _startFailures[profile] = new StartFailures(inARow, now + backoff, error, now);
        return backoff;
    }

    void Lose(Run run, string why)
    {
        var now = time.GetUtcNow();
        _runs.TryRemove(run.AgentId, out _);
        _gone[run.AgentId] = now;
        // An agent lost soon after it started, again and again, is a crash loop: its replacements back off like failed starts.
        if (now - (run.ActiveAt ?? run.DecidedAt) < QuickLoss)
        {
            var before = _startFailures.GetValueOrDefault(run.Profile.Name);
            if (before is { InARow: > 0 })
                BackOff(run.Profile.Name, before.InARow + 1, $"agent {run.AgentId} lost {(now - (run.ActiveAt ?? run.DecidedAt)).TotalSeconds:0.0} s after it started: {why}", now);
            else
                _startFailures[run.Profile.Name] = new StartFailures(1, now, $"agent {run.AgentId} lost soon after it started: {why}", now);
        }
        var agent = registry.Find(run.AgentId);
        _lost.Enqueue(new FleetMember
        {
            AgentId = run.AgentId, State = agent?.State ?? "", Profile = run.Profile.Name, Concurrency = run.Profile.Concurrency, Slots = 0,
            Capabilities = run.Profile.CapabilityList, Resources = run.Profile.Resources, CostPerHour = run.Profile.CostPerHour,
            Since = run.ActiveAt ?? run.DecidedAt,
        });
        LogLost(run.AgentId, why);
        // What is left of it (a paused process, a hung one) must not come back as a second copy of its work.
        _ = provisioner.StopAsync(run.AgentId, TimeSpan.Zero, CancellationToken.None);
    }

    async Task<ScalingSnapshot> SnapshotAsync(bool sample, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var members = new List<FleetMember>();
        foreach (var agent in registry.All)
        {
            var run = _runs.GetValueOrDefault(agent.AgentId);
            if (run is { Phase: RunPhase.Starting } || _gone.ContainsKey(agent.AgentId))
                continue; // counted below as starting, or lost though the registry has not seen it yet
            members.Add(new FleetMember
            {
                AgentId = agent.AgentId,
                State = agent.State,
                Profile = run?.Profile.Name,
                Draining = run?.Phase == RunPhase.Draining || agent.State == AgentStates.Draining,
                Concurrency = agent.MaxConcurrentTasks,
                Slots = placement.SlotsOf(agent),
                InFlight = placement.LoadOf(agent.AgentId),
                Capabilities = agent.Capabilities,
                Resources = agent.Resources,
                CostPerHour = run?.Profile.CostPerHour ?? 0,
                Since = run?.ActiveAt ?? agent.RegisteredAt,
            });
        }
        foreach (var run in _runs.Values.Where(r => r.Phase == RunPhase.Starting))
        {
            members.Add(new FleetMember
            {
                AgentId = run.AgentId, State = "", Profile = run.Profile.Name, Starting = true, Concurrency = run.Profile.Concurrency,
                Slots = run.Profile.Concurrency + placement.Buffer, Capabilities = run.Profile.CapabilityList, Resources = run.Profile.Resources,
                CostPerHour = run.Profile.CostPerHour, Since = run.DecidedAt,
            });
        }

        var work = await demand.SnapshotAsync(cancellationToken);
        if (sample)
            Sample(work, now);
        var lost = new List<FleetMember>();
        if (sample)
        {
            while (_lost.TryDequeue(out var gone))
                lost.Add(gone);
        }
        else
            lost.AddRange(_lost);

        return new ScalingSnapshot
        {
            At = now,
            Agents = members,
            Demand = Group(work),
            Lost = lost,
            BackingOff = _startFailures.Where(kv => kv.Value.RetryAt > now).Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase),
            ArrivalRate = _arrivalRate,
            ForecastRate = _forecast?.RateIn(options.ForecastHorizon),
            MeanTaskSeconds = work.MeanTaskSeconds,
            ResourceLimit = new FleetResourceLimit(limits.FleetCpuCores, limits.FleetMemoryMb, limits.FleetDiskMb),
        };
    }

    /// <summary>The arrival rate since the last check, and the forecast that follows it.</summary>
    void Sample(TaskDemandSnapshot work, DateTimeOffset now)
    {
        if (_lastAccepted is { } before && now > _lastSampleAt)
        {
            _arrivalRate = Math.Max(0, work.Accepted - before) / (now - _lastSampleAt).TotalSeconds;
            _forecast = HoltForecast.Observe(_forecast, _arrivalRate, now, options.ForecastAlpha, options.ForecastBeta);
        }
        _lastAccepted = work.Accepted;
        _lastSampleAt = now;
    }

    /// <summary>
    /// Waiting tasks by what they need. The head the dispatcher holds says what the backlog needs; the tasks still in
    /// the queue behind it are shared out in the head's proportions (exact for a backlog of one kind).
    /// </summary>
    static IReadOnlyList<DemandGroup> Group(TaskDemandSnapshot work)
    {
        if (work.Head.Count == 0)
            return [];
        var scale = (double)work.Waiting / work.Head.Count;
        return work.Head
            .GroupBy(t => (Type: t.TaskType.ToLowerInvariant(), Needs: string.Join(',', t.RequiredCapabilities.Select(c => c.ToLowerInvariant()).Order()),
                t.Resources.CpuCores, t.Resources.MemoryMb, t.Resources.DiskMb))
            .Select(g => new DemandGroup(g.First().TaskType, g.First().RequiredCapabilities, g.First().Resources,
                (int)Math.Round(g.Count() * scale), g.Max(t => t.Waited)))
            .ToList();
    }

    async Task<List<string>> StartAsync(string profileName, int count, ScalingTrigger trigger, string reason, int current, int desired)
    {
        var profile = FindProfile(profileName)!;
        var now = time.GetUtcNow();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var run = new Run($"{profile.Name}-{Suffix()}", profile, trigger, now);
            _runs[run.AgentId] = run;
            ids.Add(run.AgentId);
            _ = StartInBackgroundAsync(run);
        }
        LogScaledUp(ids.Count, profile.Name, trigger, reason);
        await PublishAsync(new AgentsScaledUp
        {
            AgentIds = ids, Profile = profile.Name, Trigger = trigger.ToString(), Reason = reason, Current = current, Desired = desired, Timestamp = now,
        });
        return ids;
    }

    /// <summary>Starts one agent off the check's path: a provisioner that is slow or fails never holds the check up.</summary>
    async Task StartInBackgroundAsync(Run run)
    {
        await Task.Yield();
        var spec = new ProvisionedAgentSpec
        {
            AgentId = run.AgentId,
            Capabilities = run.Profile.Capabilities,
            Concurrency = run.Profile.Concurrency,
            CpuCores = run.Profile.CpuCores,
            MemoryMb = run.Profile.MemoryMb,
            DiskMb = run.Profile.DiskMb,
            Labels = new Dictionary<string, string> { ["profile"] = run.Profile.Name, ["provisioner"] = provisioner.Name },
        };
        try
        {
            var named = await provisioner.StartAsync(spec, supervised: false, _stopping);
            if (named != run.AgentId)
            {
                // The platform named it (a pod): the run goes on under that name, the one the agent registers with.
                _runs[named] = run;
                _runs.TryRemove(run.AgentId, out _);
                LogNamed(run.AgentId, named);
                run.Rename(named);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _runs.TryRemove(run.AgentId, out _); // the coordinator is stopping: never started
        }
        catch (Exception ex)
        {
            run.StartError = ex.Message;
            RequestCheck?.Invoke();
        }
    }

    async Task DrainAsync(IReadOnlyList<string> agentIds, ScalingTrigger trigger, string reason, int current, int desired)
    {
        if (agentIds.Count == 0)
            return;
        var now = time.GetUtcNow();
        foreach (var id in agentIds)
        {
            if (!_runs.TryGetValue(id, out var run))
                continue;
            run.Phase = RunPhase.Draining;
            run.DrainingSince = now;
            _ = DrainInBackgroundAsync(run);
        }
        LogScaledDown(agentIds.Count, trigger, reason);
        await PublishAsync(new AgentsScaledDown
        {
            AgentIds = agentIds, Trigger = trigger.ToString(), Reason = reason, Current = current, Desired = desired, Timestamp = now,
        });
    }

    async Task DrainInBackgroundAsync(Run run)
    {
        await Task.Yield();
        try
        {
            await drainer.DrainAndStopAsync(run.AgentId, options.DrainTimeout, _stopping);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return; // the coordinator is stopping; it stops every agent it runs
        }
        catch (Exception ex)
        {
            // The broker blinked, say: the agent may hold work, so it is not killed; a later check may choose it again.
            LogDrainFailed(run.AgentId, ex.Message);
            run.Phase = RunPhase.Running;
            run.DrainingSince = null;
            return;
        }
        _runs.TryRemove(run.AgentId, out _);
        RequestCheck?.Invoke();
    }

    async Task PublishAsync<T>(T message) where T : class
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await bus.Publish(message, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MassTransitException)
        {
            LogPublishFailed(typeof(T).Name, ex.Message);
        }
    }

    AgentProfile? FindProfile(string name) =>
        options.Profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A short random suffix for a new agent's id, as Kubernetes names pods: ids are never reused, so a replacement never meets its predecessor's queue.</summary>
    static string Suffix() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 3));

    static ScalingDecision Manual(ScalingAction action, string reason, int current, int desired) => new()
    {
        Action = action, Trigger = ScalingTrigger.Manual, Reason = reason, Current = current, Desired = desired, Memory = ScalingMemory.Empty,
    };

    /// <summary>A held decision is recorded when what holds it changes, not at every check.</summary>
    static string? HeldFor(ScalingDecision? decision) =>
        decision is null || decision.Action != ScalingAction.Hold ? null
        : $"{decision.Trigger}|{(decision.Reason.IndexOf("held:", StringComparison.Ordinal) is var at and >= 0 ? decision.Reason[at..].Split(',')[0] : "")}";

    void Record(ScalingDecision decision, IReadOnlyList<string> agentIds)
    {
        var record = new ScalingDecisionRecord(time.GetUtcNow(), decision.Action.ToString(), decision.Trigger.ToString(), decision.Reason,
            decision.Current, decision.Desired, agentIds, decision.Numbers);
        if (agentIds.Count > 0)
            Scaled?.Invoke(decision.Action, decision.Trigger, agentIds.Count);
        lock (_decisions)
        {
            _decisions.AddFirst(record);
            while (_decisions.Count > DecisionsKept)
                _decisions.RemoveLast();
        }
    }

    /// <summary>Work no profile can serve is said once, when it appears (and again after it cleared).</summary>
    void ReportUnservable(IReadOnlyList<DemandGroup> unservable)
    {
        var now = unservable.Select(g => g.Describe()).ToHashSet(StringComparer.Ordinal);
        foreach (var group in unservable.Where(g => !_unservableReported.Contains(g.Describe())))
            LogUnservable(group.Waiting, group.Describe(), string.Join(", ", options.Profiles.Select(p => $"{p.Name} ({p.Capabilities})")));
        _unservableReported = now;
    }

    static void Keep(List<double> values, double value)
    {
        values.Add(value);
        if (values.Count > 1000)
            values.RemoveAt(0);
    }

    static ScalingView.Seconds? Summary(List<double> values)
    {
        if (values.Count == 0)
            return null;
        var sorted = values.Order().ToList();
        return new ScalingView.Seconds(sorted.Count, Math.Round(sorted[sorted.Count / 2], 3), Math.Round(sorted[^1], 3), Math.Round(values[^1], 3));
    }

    [LoggerMessage(LogLevel.Information, "Scaling up: {Count} × {Profile} ({Trigger}: {Reason})")]
    partial void LogScaledUp(int count, string profile, ScalingTrigger trigger, string reason);

    [LoggerMessage(LogLevel.Information, "Scaling down: draining {Count} agent(s) ({Trigger}: {Reason})")]
    partial void LogScaledDown(int count, ScalingTrigger trigger, string reason);

    [LoggerMessage(LogLevel.Information, "Scaling held ({Trigger}): {Reason}")]
    partial void LogHeld(ScalingTrigger trigger, string reason);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} ({Profile}) Active {Seconds:0.00} s after the decision to start it")]
    partial void LogActive(string agentId, string profile, double seconds);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} ({Profile}) failed to start: {Error}; profile backs off ({Failures} in a row, next try in {BackoffSeconds:0.#} s)")]
    partial void LogStartFailed(string agentId, string profile, string error, int failures, double backoffSeconds);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} lost: {Reason}")]
    partial void LogLost(string agentId, string reason);

    [LoggerMessage(LogLevel.Warning, "Draining agent {AgentId} failed: {Error}; it stays in the fleet for now")]
    partial void LogDrainFailed(string agentId, string error);

    [LoggerMessage(LogLevel.Warning, "Could not publish {MessageType}: {Error}")]
    partial void LogPublishFailed(string messageType, string error);

    [LoggerMessage(LogLevel.Information, "Adopted agent {AgentId} (profile {Profile}), left running by a previous coordinator")]
    partial void LogAdopted(string agentId, string profile);

    [LoggerMessage(LogLevel.Information, "Agent {Requested} runs as {AgentId}, the name its platform gave it")]
    partial void LogNamed(string requested, string agentId);

    [LoggerMessage(LogLevel.Information, "Stopping: {Agents} agent(s) left running ({Provisioner}); the next coordinator adopts them")]
    partial void LogLeftRunning(int agents, string provisioner);

    [LoggerMessage(LogLevel.Warning, "{Waiting} waiting task(s) of {Demand} need more agents, and no agent profile can serve them (profiles: {Profiles})")]
    partial void LogUnservable(int waiting, string demand, string profiles);
}
