using System.Threading.Channels;
using Coordinator.AgentWorker.Sdk.Lifecycle;
using Microsoft.Extensions.Logging;
using Coordinator.Contracts;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// The assignments this agent holds, in arrival order. Each is acknowledged to the broker as soon as it is held
/// here: the coordinator's in-flight record and the attempt (the fencing token) own the task from then on, so no
/// delivery stays open while a task waits or runs (RabbitMQ closes a channel whose delivery outlives its
/// consumer_timeout, 30 min by default, and delivers the message again). The coordinator never sends more than the
/// agent's concurrency plus a small buffer; <see cref="TaskWorkers"/> run them, at most MaxConcurrentTasks at once.
/// A waiting assignment can be released back to the coordinator; one that has started cannot.
/// </summary>
internal sealed partial class HeldAssignments(TaskActivity activity, AgentInstance instance, ILogger<HeldAssignments> logger)
{
    public sealed class Held(AssignTask task, CancellationToken eviction)
    {
        public AssignTask Task { get; } = task;
        /// <summary>The trace the assignment arrived in (the consume span's, when tracing is on): its run continues it.</summary>
        public System.Diagnostics.ActivityContext Trace { get; } = System.Diagnostics.Activity.Current?.Context ?? default;
        /// <summary>Cancelled when this agent instance is evicted; captured on arrival, so a stale assignment never starts after re-registration.</summary>
        public CancellationToken Eviction { get; } = eviction;
        internal HeldState State { get; set; } = HeldState.Waiting;
        /// <summary>Cancelled when the coordinator cancels the task while it runs (its handler's token).</summary>
        public CancellationTokenSource Cancellation { get; } = new();
        /// <summary>Set when it will not run here because it is stale (see <see cref="NextAsync"/>); the coordinator is told.</summary>
        public string? StaleReason { get; internal set; }
    }

    internal enum HeldState
    {
        Waiting,
        Running,
        Released,
    }

    readonly Channel<Held> _queue = Channel.CreateUnbounded<Held>(new UnboundedChannelOptions { SingleReader = false });
    readonly Dictionary<string, Held> _byTask = new(StringComparer.Ordinal);
    readonly Lock _gate = new();
    /// <summary>
    /// Attempts run or released lately (true: released): a copy delivered again (its acknowledgement lost with a channel) is
    /// not run, and a release asked again is answered as before.
    /// </summary>
    readonly Dictionary<(string, int), bool> _settled = [];
    readonly Queue<(string, int)> _settledOrder = new();
    const int SettledMemory = 10_000;
    int _waiting;

    /// <summary>Assignments held and not yet started.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Holds an assignment; false for a copy of one already held (a redelivery) or of an older attempt.</summary>
    public bool Accept(AssignTask task)
    {
        var held = new Held(task, activity.Eviction);
        lock (_gate)
        {
            if (_settled.ContainsKey((task.TaskId, task.Attempt)))
                return false;
            if (_byTask.TryGetValue(task.TaskId, out var known))
            {
                if (known.Task.Attempt >= task.Attempt)
                    return false;
                if (known.State == HeldState.Waiting)
                {
                    known.State = HeldState.Released; // superseded by the newer attempt
                    _waiting--;
                }
            }
            _byTask[task.TaskId] = held;
            _waiting++;
        }
        _queue.Writer.TryWrite(held);
        return true;
    }

    /// <summary>Gives a waiting assignment back: true when it will never run here; otherwise why not.</summary>
    public (bool Released, string Reason) Release(string taskId, int attempt)
    {
        lock (_gate)
        {
            if (_settled.TryGetValue((taskId, attempt), out var released))
                return released ? (true, "released before it started") : (false, "it has already run");
            if (!_byTask.TryGetValue(taskId, out var held) || held.Task.Attempt != attempt)
                return (false, "not held by this agent (never received)");
            if (held.State != HeldState.Waiting)
                return (false, "it has already started");
            held.State = HeldState.Released;
            _byTask.Remove(taskId);
            _waiting--;
            Settle(taskId, attempt, released: true);
            return (true, "released before it started");
        }
    }

    /// <summary>The coordinator cancelled the task: a waiting assignment never starts, a running one's handler is cancelled. Says which.</summary>
    public string Cancel(string taskId, int attempt)
    {
        lock (_gate)
        {
            if (!_byTask.TryGetValue(taskId, out var held) || held.Task.Attempt != attempt)
                return _settled.ContainsKey((taskId, attempt)) ? "it had already ended here" : "not held by this agent";
            if (held.State == HeldState.Waiting)
            {
                held.State = HeldState.Released;
                _byTask.Remove(taskId);
                _waiting--;
                Settle(taskId, attempt, released: true);
                return "it had not started and never will";
            }
            if (held.State != HeldState.Running)
                return "it had already ended here";
            try
            {
                held.Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                return "it had just ended";
            }
            return "its handler was cancelled";
        }
    }

    /// <summary>
    /// The next assignment, once this instance is registered: marked running, or, when it is stale (held before an eviction
    /// of this instance, or assigned to an earlier instance of this agent id and left in the queue when that process died),
    /// with <see cref="Held.StaleReason"/> set, not to run. Released ones are skipped.
    /// </summary>
    public async ValueTask<Held> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var held = await _queue.Reader.ReadAsync(cancellationToken);
            await instance.Registered.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (held.State != HeldState.Waiting)
                    continue;
                _waiting--;
                var stale = held.Eviction.IsCancellationRequested ? "this instance was evicted since it arrived"
                    : held.Task.Timestamp < instance.AcceptedAt ? "it was assigned to an earlier instance of this agent"
                    : null;
                if (stale is not null)
                {
                    held.State = HeldState.Released;
                    held.StaleReason = stale;
                    Forget(held);
                    Settle(held.Task.TaskId, held.Task.Attempt, released: true);
                    LogStale(held.Task.TaskId, held.Task.Attempt, stale);
                    return held; // not to run: the worker tells the coordinator it was given back
                }
                held.State = HeldState.Running;
                return held;
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} not run: {Reason}; given back to the coordinator")]
    partial void LogStale(string taskId, int attempt, string reason);

    /// <summary>The assignment has run (its outcome reported or given up on).</summary>
    public void Done(Held held)
    {
        lock (_gate)
        {
            Forget(held);
            if (held.StaleReason is null)
                Settle(held.Task.TaskId, held.Task.Attempt, released: false);
            held.Cancellation.Dispose();
        }
    }

    void Settle(string taskId, int attempt, bool released)
    {
        if (_settled.TryAdd((taskId, attempt), released))
        {
            _settledOrder.Enqueue((taskId, attempt));
            if (_settledOrder.Count > SettledMemory)
                _settled.Remove(_settledOrder.Dequeue());
        }
    }

    void Forget(Held held)
    {
        if (_byTask.TryGetValue(held.Task.TaskId, out var current) && ReferenceEquals(current, held))
            _byTask.Remove(held.Task.TaskId);
    }
}
