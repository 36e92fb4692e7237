using System.Collections.Concurrent;
using System.Text.Json;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using Coordinator.Tasks.Limits;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// Placement state, all in memory: which tasks are in flight on which agent (with their attempt),
/// each agent's load and record, and the tasks waiting for an agent. Select-and-reserve is atomic, so
/// concurrent dispatchers never overfill an agent: an agent holds at most its concurrency plus
/// <c>Coordinator:AgentQueueBuffer</c>. Waiting tasks are placed in priority order (then arrival)
/// whenever capacity may have appeared; nothing polls.
/// </summary>
public sealed class TaskPlacement
{
    readonly AgentRegistry registry;
    readonly StrategySelector strategies;
    readonly CoordinatorOptions options;
    readonly TimeProvider time;
    readonly TaskLimits limits;
    readonly ITimer _rateTimer;

    public TaskPlacement(AgentRegistry registry, StrategySelector strategies, CoordinatorOptions options, TaskLimits limits, TimeProvider time)
    {
        this.registry = registry;
        this.strategies = strategies;
        this.options = options;
        this.limits = limits;
        this.time = time;
        // Placement follows the registry: when who can take work changes, waiting tasks get another chance; so it does when a
        // limit changes, and when a rate-limited type may start its next task.
        registry.PlacementChanged += Pulse;
        limits.Changed += _ => Pulse();
        _rateTimer = time.CreateTimer(_ => RateWake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Per-type counts in flight and rate buckets (under the lock).</summary>
    readonly LimitGate _types = new();
    DateTimeOffset? _rateWakeAt;

    /// <summary>How many tasks of the type are in flight (placed and not yet finished).</summary>
    public int InFlightOfType(string taskType)
    {
        lock (_gate)
            return _types.InFlight(taskType);
    }

    readonly Lock _gate = new();
    readonly SortedSet<Waiter> _waiting = new(Waiter.PriorityOrder);
    long _arrivals;
    readonly ConcurrentDictionary<string, InFlightTask> _inFlight = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _loadByAgent = new(StringComparer.Ordinal);
    /// <summary>The resources reserved on each agent: the sum of its tasks in flight, kept with them (no second book).</summary>
    readonly Dictionary<string, TaskResources> _reservedByAgent = new(StringComparer.Ordinal);
    readonly Dictionary<string, AgentPerformance> _performance = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _finished = new(StringComparer.Ordinal);
    readonly Queue<string> _finishedOrder = new();
    /// <summary>How many finished tasks are remembered to recognise a duplicate dispatch of one.</summary>
    public const int FinishedMemory = 100_000;

    public int InFlightCount => _inFlight.Count;

    /// <summary>The agents that could ever run the task, by capability and declared capacity, among all registered ones.</summary>
    public static bool IsCapable(IReadOnlyList<string> capabilities, DispatchTask task) =>
        capabilities.Contains(task.TaskType, StringComparer.OrdinalIgnoreCase)
        && task.RequiredCapabilities.All(c => capabilities.Contains(c, StringComparer.OrdinalIgnoreCase));

    /// <summary>Assignments an agent may hold beyond its concurrency (Coordinator:AgentQueueBuffer).</summary>
    public int Buffer => options.AgentQueueBuffer;

    /// <summary>Slots an agent offers: its concurrency plus the buffer; a degraded agent gets half.</summary>
    public int SlotsOf(AgentView agent)
    {
        var slots = agent.MaxConcurrentTasks + options.AgentQueueBuffer;
        return agent.State == AgentStates.Degraded ? Math.Max(1, slots / 2) : slots;
    }

    /// <summary>A task waiting for an agent; completes with the agent it was placed on.</summary>
    public sealed class Waiter(DispatchTask task, long arrival, DateTimeOffset enqueuedAt)
    {
        /// <summary>Higher priority first; within a priority, work already admitted once (moved or retried) first; then arrival.</summary>
        public static readonly IComparer<Waiter> PriorityOrder = Comparer<Waiter>.Create((a, b) =>
            a.Task.Priority != b.Task.Priority ? b.Task.Priority.CompareTo(a.Task.Priority)
            : (a.Task.Attempt > 1) != (b.Task.Attempt > 1) ? (b.Task.Attempt > 1).CompareTo(a.Task.Attempt > 1)
            : a.Arrival.CompareTo(b.Arrival));

        public DispatchTask Task { get; } = task;
        public long Arrival { get; } = arrival;
        /// <summary>Since when the task has waited to start: its submission for a first attempt, else when this attempt came to wait.</summary>
        public DateTimeOffset WaitingSince { get; } = task.Attempt <= 1 && task.SubmittedAt != default && task.SubmittedAt < enqueuedAt ? task.SubmittedAt : enqueuedAt;
        /// <summary>The agent it was placed on; null when it was cancelled while it waited.</summary>
        internal TaskCompletionSource<AgentView?> Placed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<AgentView?> Agent => Placed.Task;
    }

    public IReadOnlyList<DispatchTask> Waiting
    {
        get { lock (_gate) return _waiting.Select(w => w.Task).ToList(); }
    }

    /// <summary>The tasks waiting here for an agent (the head of the backlog), each with since when it has waited.</summary>
    public IReadOnlyList<(DispatchTask Task, DateTimeOffset Since)> WaitingSince()
    {
        lock (_gate)
            return _waiting.Select(w => (w.Task, w.WaitingSince)).ToList();
    }

    /// <summary>
    /// Queues the task for placement and tries at once; await <see cref="Waiter.Agent"/> for the agent.
    /// Returns null for a duplicate: the same attempt (or a later one) is already waiting, in flight or
    /// finished here. A redelivered dispatch message (after a broker or coordinator restart) is such a
    /// duplicate, and placing it again would run the task twice.
    /// </summary>
    public Waiter? Enqueue(DispatchTask task)
    {
        lock (_gate)
        {
            if (IsDuplicateLocked(task))
                return null;
            var waiter = new Waiter(task, ++_arrivals, time.GetUtcNow());
            _waiting.Add(waiter);
            PlaceWaitingLocked();
            return waiter;
        }
    }

    /// <summary>
    /// Reserves an agent for the task at once, without it ever waiting, when one has room and nothing waits here ahead of
    /// it (so priority order holds: tasks only jump the queue when no task is queued for capacity); null otherwise.
    /// </summary>
    public AgentView? TryPlaceNow(DispatchTask task)
    {
        lock (_gate)
        {
            if (_waiting.Count > 0 || IsDuplicateLocked(task))
                return null;
            try
            {
                return TryPlaceLocked(task);
            }
            catch (Exception ex) when (ex is ArgumentException or NullReferenceException or InvalidOperationException)
            {
                return null; // malformed: the dispatcher's path records why
            }
        }
    }

    bool IsDuplicateLocked(DispatchTask task) =>
        (_inFlight.TryGetValue(task.TaskId, out var inFlight) && inFlight.Attempt >= task.Attempt)
        || (_finished.TryGetValue(task.TaskId, out var finished) && finished >= task.Attempt)
        || _waiting.Any(w => w.Task.TaskId == task.TaskId && w.Task.Attempt >= task.Attempt);

    /// <summary>An attempt ended without a result (timed out waiting, given up): a redelivered copy of it is a duplicate.</summary>
    public void RememberFinished(string taskId, int attempt)
    {
        lock (_gate)
            RememberFinishedLocked(taskId, attempt);
    }

    void RememberFinishedLocked(string taskId, int attempt)
    {
        if (_finished.TryAdd(taskId, attempt))
        {
            _finishedOrder.Enqueue(taskId);
            if (_finishedOrder.Count > FinishedMemory)
                _finished.Remove(_finishedOrder.Dequeue());
        }
        else
            _finished[taskId] = Math.Max(_finished[taskId], attempt);
    }

    /// <summary>
    /// Cancels a task here, for good: it is never placed again (any attempt of it is a duplicate from now on); if it waits,
    /// its waiter ends with no agent; if it is in flight, its slot and resources are freed and the assignment is returned
    /// (the agent is to be told). Null when it was neither waiting nor in flight.
    /// </summary>
    public InFlightTask? Cancel(string taskId)
    {
        lock (_gate)
        {
            RememberFinishedLocked(taskId, Cancelled);
            foreach (var waiter in _waiting.Where(w => w.Task.TaskId == taskId).ToList())
            {
                _waiting.Remove(waiter);
                waiter.Placed.TrySetResult(null);
            }
            if (!_inFlight.TryRemove(taskId, out var task))
                return null;
            FreeLocked(task);
            PlaceWaitingLocked();
            return task;
        }
    }

    /// <summary>A cancelled task is re-run: its attempts are no longer all finished (those up to <paramref name="lastAttempt"/> stay so).</summary>
    public void Reopen(string taskId, int lastAttempt)
    {
        lock (_gate)
        {
            if (_finished.TryGetValue(taskId, out var attempt) && attempt == Cancelled)
                _finished[taskId] = lastAttempt;
        }
    }

    /// <summary>Whether the task was cancelled here (remembered as long as finished attempts are).</summary>
    public bool IsCancelled(string taskId)
    {
        lock (_gate)
            return _finished.TryGetValue(taskId, out var attempt) && attempt == Cancelled;
    }

    /// <summary>Every attempt of a cancelled task counts as finished.</summary>
    const int Cancelled = int.MaxValue;

    /// <summary>Takes a waiting task back (its deadline passed, or the consumer stops). False when it was placed meanwhile.</summary>
    public bool Withdraw(Waiter waiter)
    {
        lock (_gate)
            return _waiting.Remove(waiter);
    }

    /// <summary>Capacity may have appeared (an agent came, recovered or freed a slot): place what waits, in priority order.</summary>
    public void Pulse()
    {
        lock (_gate)
            PlaceWaitingLocked();
    }

    /// <summary>
    /// Places what waits, in order. A task that cannot even be considered (a malformed message) leaves the waiting set with
    /// its error, for its own consumer to fault on: it never blocks the others.
    /// </summary>
    void PlaceWaitingLocked()
    {
        List<Waiter>? done = null;
        foreach (var waiter in _waiting)
        {
            AgentView? agent;
            try
            {
                agent = TryPlaceLocked(waiter.Task);
            }
            catch (Exception ex) when (ex is ArgumentException or NullReferenceException or InvalidOperationException)
            {
                (done ??= []).Add(waiter);
                waiter.Placed.TrySetException(ex);
                continue;
            }
            if (agent is null)
                continue;
            (done ??= []).Add(waiter);
            waiter.Placed.TrySetResult(agent);
        }
        if (done is not null)
            _waiting.ExceptWith(done);
    }

    /// <summary>Chooses and reserves an agent for the task, or returns null when none can take it now.</summary>
    AgentView? TryPlaceLocked(DispatchTask task)
    {
        var limit = limits.For(task.TaskType);
        var now = time.GetUtcNow();
        if (!limit.IsNone && !_types.MayStart(task.TaskType, limit, now, out var retryAt))
        {
            if (retryAt is { } at)
                WakeAtLocked(at, now);
            return null; // held back by its type's limit: it waits, in priority order, and is never dropped
        }
        var candidates = new List<AgentCandidate>();
        foreach (var agent in registry.All)
        {
            if (agent.State is not (AgentStates.Active or AgentStates.Degraded) || !IsCapable(agent.Capabilities, task))
                continue;
            var load = _loadByAgent.GetValueOrDefault(agent.AgentId);
            var slots = SlotsOf(agent);
            var reserved = _reservedByAgent.GetValueOrDefault(agent.AgentId) ?? Nothing;
            if (load >= slots || !ResourceRules.Fits(agent.Resources, reserved, task.Resources))
                continue;
            candidates.Add(new AgentCandidate(agent, load, slots, reserved, _performance.GetValueOrDefault(agent.AgentId) ?? AgentPerformance.None));
        }
        if (candidates.Count == 0)
            return null;
        if (task.AvoidAgentId is { } avoid && candidates.Count > 1)
            candidates.RemoveAll(c => c.AgentId == avoid);

        var chosen = strategies.For(task.TaskType).Select(task, candidates);
        TakeLocked(New(task, chosen.AgentId, now));
        _types.Started(task.TaskType, limit, now);
        return chosen.Agent;
    }

    /// <summary>The rate timer fired (timers may fire a little early): nothing is armed now; what is still held back arms it again.</summary>
    void RateWake()
    {
        lock (_gate)
        {
            _rateWakeAt = null;
            PlaceWaitingLocked();
        }
    }

    /// <summary>Pulses placement when a rate-limited type may start its next task (the earliest such time is kept).</summary>
    void WakeAtLocked(DateTimeOffset at, DateTimeOffset now)
    {
        if (_rateWakeAt is { } armed && armed > now && armed <= at)
            return;
        _rateWakeAt = at;
        _rateTimer.Change(Max(at - now, TimeSpan.FromMilliseconds(1)), Timeout.InfiniteTimeSpan);
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Whether this is the task's current attempt, reported by the agent it was assigned to (anything else is stale or forged).</summary>
    public bool IsCurrent(string taskId, int attempt, string agentId) =>
        _inFlight.TryGetValue(taskId, out var t) && t.Attempt == attempt && t.AgentId == agentId;

    /// <summary>
    /// Ends the current attempt: frees its slot and resources and records the outcome against the agent.
    /// Returns null when the attempt is not current or the reporting agent is not the one it was assigned
    /// to (a stale, duplicate or forged result).
    /// </summary>
    public InFlightTask? Finish(string taskId, int attempt, string agentId, bool succeeded, double durationMs, bool measured = true)
    {
        InFlightTask? finished;
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(taskId, out finished) || finished.Attempt != attempt || finished.AgentId != agentId)
                return null;
            _inFlight.TryRemove(taskId, out _);
            FreeLocked(finished);
            RememberFinishedLocked(taskId, attempt);
            if (measured)
                RecordOutcome(finished.AgentId, succeeded, durationMs);
            PlaceWaitingLocked();
        }
        if (measured)
            Finished?.Invoke(new FinishedAttempt(agentId, finished.Task.TaskType, succeeded, durationMs,
                finished.Task.SubmittedAt == default ? null : finished.Task.SubmittedAt));
        return finished;
    }

    /// <summary>A current attempt ended with a measured outcome: what an agent's record (Health's baselines, say) learns from.</summary>
    public event Action<FinishedAttempt>? Finished;

    /// <summary>An agent was reserved for an attempt (raised under the placement lock: handlers must be quick and must not call back).</summary>
    public event Action<InFlightTask>? Assigned;

    /// <summary>Counts the outcome; the mean duration is of completed tasks only (a fast failure is no sign of speed).</summary>
    void RecordOutcome(string agentId, bool succeeded, double durationMs)
    {
        var before = _performance.GetValueOrDefault(agentId) ?? AgentPerformance.None;
        _performance[agentId] = succeeded
            ? before with
            {
                Completed = before.Completed + 1,
                MeanDurationMs = (before.MeanDurationMs * before.Completed + durationMs) / (before.Completed + 1),
            }
            : before with { Failed = before.Failed + 1 };
    }

    /// <summary>
    /// Takes every task off a failed or departed agent: frees their slots and resources and returns them
    /// (to be placed again with their next attempt). The agent itself gets no new work while the registry
    /// shows it Failed or Unregistered.
    /// </summary>
    public IReadOnlyList<InFlightTask> Evict(string agentId, DateTimeOffset? assignedBefore = null)
    {
        List<InFlightTask> evicted;
        lock (_gate)
        {
            evicted = _inFlight.Values.Where(t => t.AgentId == agentId && (assignedBefore is not { } before || t.AssignedAt <= before)).ToList();
            foreach (var task in evicted)
            {
                _inFlight.TryRemove(task.Task.TaskId, out _);
                FreeLocked(task);
            }
        }
        return evicted;
    }

    public bool IsInFlight(string taskId) => _inFlight.ContainsKey(taskId);

    /// <summary>The agent started the current attempt (a stale report changes nothing).</summary>
    public void MarkStarted(string taskId, int attempt, string agentId, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(taskId, out var task) && task.Attempt == attempt && task.AgentId == agentId && task.StartedAt is null)
                _inFlight[taskId] = task with { StartedAt = at };
        }
    }

    /// <summary>
    /// The current attempt saved a checkpoint: it travels with the task from now on, so the next attempt (a retry, a move)
    /// resumes from it. False when the attempt is not current on that agent, or a later checkpoint of it is held already.
    /// </summary>
    public bool Checkpoint(string taskId, int attempt, string agentId, int sequence, JsonElement checkpoint)
    {
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(taskId, out var task) || task.Attempt != attempt || task.AgentId != agentId || sequence <= task.CheckpointSequence)
                return false;
            _inFlight[taskId] = task with { Task = task.Task with { Checkpoint = checkpoint.Clone() }, CheckpointSequence = sequence };
            return true;
        }
    }

    /// <summary>
    /// The agent gave back the current attempt before starting it: frees its slot and resources, and returns it (to be placed
    /// again with its next attempt); null when that attempt is not current on that agent.
    /// </summary>
    public InFlightTask? Release(string taskId, int attempt, string agentId)
    {
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(taskId, out var task) || task.Attempt != attempt || task.AgentId != agentId)
                return null;
            _inFlight.TryRemove(taskId, out _);
            FreeLocked(task);
            RememberFinishedLocked(taskId, attempt);
            PlaceWaitingLocked();
            return task;
        }
    }

    /// <summary>Every assignment currently awaiting its result.</summary>
    public IReadOnlyList<InFlightTask> InFlightSnapshot() => _inFlight.Values.ToList();

    /// <summary>Re-creates an assignment known from the ledger (after a coordinator restart), reserving its slot and resources.</summary>
    public void Restore(DispatchTask task, string agentId, DateTimeOffset assignedAt)
    {
        lock (_gate)
        {
            if (!_inFlight.ContainsKey(task.TaskId))
            {
                TakeLocked(New(task, agentId, assignedAt));
                _types.Restored(task.TaskType);
            }
        }
    }

    InFlightTask New(DispatchTask task, string agentId, DateTimeOffset assignedAt) =>
        new(task, agentId, assignedAt, DeadlineRule.For(task.Deadline, assignedAt, options.TaskTimeout));

    /// <summary>Puts an attempt in flight: its slot and its resources are taken on its agent.</summary>
    void TakeLocked(InFlightTask task)
    {
        Assigned?.Invoke(task);
        _inFlight[task.Task.TaskId] = task;
        _loadByAgent[task.AgentId] = _loadByAgent.GetValueOrDefault(task.AgentId) + 1;
        _reservedByAgent[task.AgentId] = ResourceRules.Add(_reservedByAgent.GetValueOrDefault(task.AgentId) ?? Nothing, task.Task.Resources);
    }

    static readonly TaskResources Nothing = new();

    /// <summary>What is reserved on the agent now: the resources of its tasks in flight.</summary>
    public TaskResources AllocatedOn(string agentId)
    {
        lock (_gate)
            return _reservedByAgent.GetValueOrDefault(agentId) ?? Nothing;
    }

    /// <summary>The attempt in flight for the task, if any.</summary>
    public InFlightTask? Find(string taskId) => _inFlight.GetValueOrDefault(taskId);

    /// <summary>Gives back a reservation whose assignment could not be sent.</summary>
    public void Abandon(string taskId, int attempt)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(taskId, out var task) && task.Attempt == attempt && _inFlight.TryRemove(taskId, out _))
                FreeLocked(task);
            PlaceWaitingLocked();
        }
    }

    /// <summary>Gives back an attempt's slot and resources on its agent.</summary>
    void FreeLocked(InFlightTask task)
    {
        _types.Ended(task.Task.TaskType);
        var load = _loadByAgent.GetValueOrDefault(task.AgentId);
        if (load <= 1)
        {
            _loadByAgent.Remove(task.AgentId);
            _reservedByAgent.Remove(task.AgentId);
        }
        else
        {
            _loadByAgent[task.AgentId] = load - 1;
            _reservedByAgent[task.AgentId] = ResourceRules.Subtract(_reservedByAgent.GetValueOrDefault(task.AgentId) ?? Nothing, task.Task.Resources);
        }
    }

    public int LoadOf(string agentId)
    {
        lock (_gate)
            return _loadByAgent.GetValueOrDefault(agentId);
    }

    /// <summary>Forgets what was measured of an agent that is gone for good (an id that comes back starts afresh).</summary>
    public void Forget(string agentId)
    {
        lock (_gate)
        {
            if (!_loadByAgent.ContainsKey(agentId))
                _performance.Remove(agentId);
        }
    }

    public AgentPerformance PerformanceOf(string agentId)
    {
        lock (_gate)
            return _performance.GetValueOrDefault(agentId) ?? AgentPerformance.None;
    }
}
