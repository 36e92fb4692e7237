using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// Watches from the test process, on a queue of its own, what the agents report and what the coordinators decide about them:
/// every handler execution (an agent's TaskStarted, or the start time its result carries: one execution is one agent, one
/// attempt, one start), and every verdict against an agent (a missed heartbeat, a failure detected, an agent failed, a move to
/// Unhealthy, Failed or Unregistered, a heartbeat refused, a registration after its first). Started before the load, it sees what the ledger cannot: the same attempt run on two
/// agents, or twice on one, is two executions here whatever the ledger says. A report published twice (sent again after a
/// broker connection was lost before its confirm) is the same execution, counted once.
/// </summary>
public sealed class FleetWatch : IAsyncDisposable
{
    readonly IBusControl _bus;
    readonly object _gate = new();
    readonly Dictionary<string, HashSet<Execution>> _executions = new(StringComparer.Ordinal);
    readonly HashSet<Execution> _ended = [];
    readonly List<string> _verdicts = [];
    readonly Dictionary<string, int> _registrations = new(StringComparer.Ordinal);

    /// <summary>One run of a handler: which agent, which attempt, when it started (the agent's own clock).</summary>
    public sealed record Execution(string TaskId, string AgentId, int Attempt, DateTimeOffset StartedAt);

    FleetWatch(IBusControl bus) => _bus = bus;

    public static async Task<FleetWatch> StartAsync(TestSystem system)
    {
        var options = system.BrokerOptions();
        FleetWatch? watch = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.UseCoordinatorBroker(options, "integration-test-watch");
            // Bound (by each message's type) to coordinator.task-events, coordinator.agent-events and coordinator.agent-health.
            cfg.ReceiveEndpoint($"test-fleet-watch-{Guid.NewGuid():N}", e =>
            {
                e.UseConfiguredQueueType(options);
                e.Handler<TaskStarted>(c => watch!.Started(c.Message.TaskId, c.Message.AgentId, c.Message.Attempt, c.Message.Timestamp, ended: false));
                e.Handler<TaskCompleted>(c => watch!.Started(c.Message.TaskId, c.Message.AgentId, c.Message.Attempt, c.Message.StartedAt, ended: true));
                e.Handler<TaskFailed>(c => watch!.Started(c.Message.TaskId, c.Message.AgentId, c.Message.Attempt, c.Message.StartedAt, ended: true));
                e.Handler<AgentHeartbeatMissed>(c => watch!.Verdict($"heartbeats missed: {c.Message.AgentId}"));
                e.Handler<AgentFailureDetected>(c => watch!.Verdict($"failure detected: {c.Message.AgentId}"));
                e.Handler<AgentFailed>(c => watch!.Verdict($"agent failed: {c.Message.AgentId} ({c.Message.Reason})"));
                e.Handler<AgentRegistered>(c => watch!.Registered(c.Message));
                e.Handler<AgentHeartbeatRejected>(c => watch!.Verdict($"heartbeat refused: {c.Message.AgentId} ({c.Message.Reason})"));
                e.Handler<AgentStateChanged>(c => c.Message.State is "Unhealthy" or "Failed" or "Unregistered"
                    ? watch!.Verdict($"{c.Message.AgentId}: {c.Message.PreviousState} -> {c.Message.State} ({c.Message.Reason})")
                    : Task.CompletedTask);
            });
        });
        watch = new FleetWatch(bus);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bus.StartAsync(cts.Token);
        return watch;
    }

    Task Started(string taskId, string agentId, int attempt, DateTimeOffset? startedAt, bool ended)
    {
        if (startedAt is not { } at)
            throw new InvalidOperationException($"task {taskId}: a result from agent {agentId} without the time its run started");
        var execution = new Execution(taskId, agentId, attempt, at);
        lock (_gate)
        {
            if (!_executions.TryGetValue(taskId, out var runs))
                _executions[taskId] = runs = [];
            runs.Add(execution);
            if (ended)
                _ended.Add(execution);
        }
        return Task.CompletedTask;
    }

    /// <summary>An agent's first registration is its start; any later one means it was lost to the coordinators and came back.</summary>
    Task Registered(AgentRegistered registered)
    {
        lock (_gate)
        {
            _registrations[registered.AgentId] = _registrations.GetValueOrDefault(registered.AgentId) + 1;
            if (_registrations[registered.AgentId] == 1 && !registered.WasEvicted)
                return Task.CompletedTask;
        }
        return Verdict($"registered again: {registered.AgentId}{(registered.WasEvicted ? " (it had been evicted)" : "")}");
    }

    Task Verdict(string verdict)
    {
        lock (_gate)
            _verdicts.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {verdict}");
        return Task.CompletedTask;
    }

    /// <summary>Forgets the verdicts so far (whatever happened while the agents started, say).</summary>
    public void ClearVerdicts()
    {
        lock (_gate)
            _verdicts.Clear();
    }

    /// <summary>Every verdict against an agent seen since the last <see cref="ClearVerdicts"/>.</summary>
    public IReadOnlyList<string> Verdicts
    {
        get
        {
            lock (_gate)
                return [.. _verdicts];
        }
    }

    /// <summary>The executions seen of <paramref name="taskId"/>.</summary>
    public IReadOnlyList<Execution> ExecutionsOf(string taskId)
    {
        lock (_gate)
            return _executions.TryGetValue(taskId, out var runs) ? [.. runs.OrderBy(r => r.StartedAt)] : [];
    }

    /// <summary>Waits until every execution seen has reported its end (so a second run still under way is counted).</summary>
    public Task WaitForRunsToEndAsync(TimeSpan timeout, Func<string>? diagnostics = null) =>
        Eventually.Until(() =>
        {
            lock (_gate)
                return Task.FromResult(_executions.Values.SelectMany(r => r).Where(r => !_ended.Contains(r)).ToList());
        }, running => running.Count == 0, timeout, "every execution seen to end", diagnostics);

    /// <summary>
    /// Each of <paramref name="taskIds"/> ran exactly once; the message names those that did not, with their executions. Call
    /// after <see cref="WaitForRunsToEndAsync"/>.
    /// </summary>
    public void AssertEachRanOnce(IReadOnlyList<string> taskIds, Func<string>? diagnostics = null)
    {
        var notOnce = taskIds.Select(id => (Id: id, Runs: ExecutionsOf(id))).Where(t => t.Runs.Count != 1).ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} of {taskIds.Count} task(s) not run exactly once: " +
                                        string.Join("; ", notOnce.Take(5).Select(t => $"{t.Id} ran {t.Runs.Count} time(s) [{string.Join(", ", t.Runs)}]")) +
                                        (diagnostics is null ? "" : "\n" + diagnostics()));
    }

    /// <summary>
    /// Every one of <paramref name="ids"/> ends Completed in one attempt, as the ledger says (no agent is harmed in the tests that
    /// ask this, so a second attempt would be work placed twice), and ran exactly once, as the agents' reports say; the tasks.
    /// </summary>
    public async Task<Dictionary<string, TaskDto>> AssertEveryTaskCompletedOnceAsync(TestSystem system, CoordinatorApi api, IReadOnlyList<string> ids)
    {
        await Eventually.Until(async () => (await api.TasksAsync()).Count(t => t.Status is not ("Completed" or "DeadLettered")),
            open => open == 0, TimeSpan.FromSeconds(90), $"all {ids.Count} tasks to end", system.Diagnostics);
        var tasks = (await api.TasksAsync()).ToDictionary(t => t.TaskId);
        Assert.Equal(ids.Order(), tasks.Keys.Order());
        var notOnce = tasks.Values.Where(t => t.Status != "Completed" || t.Attempts != 1).ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} task(s) not completed in one attempt: {string.Join("; ", notOnce.Take(5))}\n{system.Diagnostics()}");
        await WaitForRunsToEndAsync(TimeSpan.FromSeconds(30), system.Diagnostics);
        AssertEachRanOnce(ids, system.Diagnostics);
        return tasks;
    }

    /// <summary>No agent was judged (a missed heartbeat, a failure, Unhealthy or Failed) or had to register again.</summary>
    public void AssertNoAgentJudged(Func<string>? diagnostics = null)
    {
        var verdicts = Verdicts;
        Assert.True(verdicts.Count == 0, $"{verdicts.Count} verdict(s) against agents: {string.Join("; ", verdicts)}" +
                                         (diagnostics is null ? "" : "\n" + diagnostics()));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _bus.StopAsync(cts.Token);
    }
}
