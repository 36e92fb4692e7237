using Coordinator.Contracts;

namespace Coordinator.Bench.Runs;

/// <summary>
/// One measured run: its task ids, when each publish was confirmed, and the first TaskStarted and the
/// final result seen for each. Events for ids of other runs are ignored. Thread-safe.
/// </summary>
public sealed class WorkloadRun
{
    sealed class TaskTimes
    {
        public DateTimeOffset? Confirmed;
        public DateTimeOffset? Started;
        public int Starts;
        public int Results;
        public DateTimeOffset? Finished;
        public string? Outcome;
        public string? AgentId;
    }

    readonly Dictionary<string, TaskTimes> _tasks;
    readonly object _gate = new();
    readonly TaskCompletionSource _allFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _finished;

    public WorkloadRun(string tag, int count)
    {
        TaskIds = Enumerable.Range(0, count).Select(i => $"{tag}-{i:D6}").ToArray();
        _tasks = TaskIds.ToDictionary(id => id, _ => new TaskTimes());
    }

    public IReadOnlyList<string> TaskIds { get; }

    /// <summary>Taken just before the first publish.</summary>
    public DateTimeOffset FirstSubmit { get; set; }

    /// <summary>Completes when every task has a final result (completed, failed or rejected).</summary>
    public Task AllFinished => _allFinished.Task;

    public int FinishedCount
    {
        get { lock (_gate) return _finished; }
    }

    /// <summary>When the publish of the task at <paramref name="index"/> was confirmed, if it has been.</summary>
    public DateTimeOffset? ConfirmedAt(int index)
    {
        lock (_gate)
            return _tasks[TaskIds[index]].Confirmed;
    }

    public void Confirmed(int index, DateTimeOffset at)
    {
        lock (_gate)
            _tasks[TaskIds[index]].Confirmed = at;
    }

    public void OnStarted(TaskStarted message) => NoteStart(message.TaskId, message.Timestamp, counts: true);

    /// <summary>The earliest start seen; <paramref name="counts"/>: a TaskStarted (started twice means two of them).</summary>
    void NoteStart(string taskId, DateTimeOffset at, bool counts)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var task))
                return;
            if (counts)
                task.Starts++;
            if (task.Started is null || at < task.Started)
                task.Started = at;
        }
    }

    /// <summary>A short task sends no TaskStarted: its result says when it started.</summary>
    public void OnCompleted(TaskCompleted message)
    {
        if (message.StartedAt is { } startedAt)
            NoteStart(message.TaskId, startedAt, counts: false);
        lock (_gate)
        {
            if (_tasks.TryGetValue(message.TaskId, out var task))
                task.Results++;
        }
        Finish(message.TaskId, message.Timestamp, "completed", message.AgentId, overrides: true);
    }

    /// <summary>A failure is final unless a later attempt completes (the coordinator retries).</summary>
    public void OnFailed(TaskFailed message) => Finish(message.TaskId, message.Timestamp, "failed", message.AgentId, overrides: false);

    public void OnRejected(TaskRejected message) => Finish(message.TaskId, message.Timestamp, "rejected", null, overrides: false);

    void Finish(string taskId, DateTimeOffset at, string outcome, string? agentId, bool overrides)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var task))
                return;
            if (task.Outcome is not null && (!overrides || task.Outcome == "completed"))
                return;
            var first = task.Outcome is null;
            task.Outcome = outcome;
            task.Finished = at;
            task.AgentId = agentId;
            if (first && ++_finished == _tasks.Count)
                _allFinished.TrySetResult();
        }
    }

    public RunResult Summarise(string label, IReadOnlyList<string> agentIds, bool timedOut)
    {
        lock (_gate)
        {
            var assignment = new List<long>(_tasks.Count);
            var endToEnd = new List<long>(_tasks.Count);
            var startedBeforeConfirm = 0;
            var perAgent = agentIds.ToDictionary(a => a, _ => 0);
            DateTimeOffset? lastCompletion = null;
            foreach (var task in _tasks.Values)
            {
                if (task.Confirmed is { } confirmed && task.Started is { } started)
                {
                    var micros = (long)((started - confirmed).TotalMicroseconds);
                    if (micros < 0)
                        startedBeforeConfirm++;
                    assignment.Add(Math.Max(0, micros));
                }
                if (task.Outcome != "completed")
                    continue;
                if (task.Confirmed is { } sent)
                    endToEnd.Add(Math.Max(0, (long)(task.Finished!.Value - sent).TotalMicroseconds));
                if (task.AgentId is { } agent)
                    perAgent[agent] = perAgent.GetValueOrDefault(agent) + 1;
                if (lastCompletion is null || task.Finished > lastCompletion)
                    lastCompletion = task.Finished;
            }
            var completed = _tasks.Values.Count(t => t.Outcome == "completed");
            var elapsed = lastCompletion is { } last ? (last - FirstSubmit).TotalSeconds : double.NaN;
            return new RunResult
            {
                Label = label,
                Agents = agentIds.Count,
                Tasks = _tasks.Count,
                Completed = completed,
                Failed = _tasks.Values.Count(t => t.Outcome == "failed"),
                Rejected = _tasks.Values.Count(t => t.Outcome == "rejected"),
                TimedOut = timedOut,
                ElapsedSeconds = elapsed,
                Throughput = elapsed > 0 ? completed / elapsed : double.NaN,
                Assignment = Percentiles.Of(assignment),
                EndToEnd = Percentiles.Of(endToEnd),
                Jain = RunResult.JainIndex(perAgent.Values),
                StartedBeforeConfirm = startedBeforeConfirm,
                Restarted = _tasks.Values.Count(t => t.Starts > 1 || t.Results > 1),
                PerAgent = perAgent,
            };
        }
    }
}
