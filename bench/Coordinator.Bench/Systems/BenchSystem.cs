using System.Diagnostics;
using Coordinator.Bench.Infrastructure;
using Coordinator.Bench.Runs;
using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.Bench.Systems;

/// <summary>
/// One system under test on its own RabbitMQ virtual host: agent processes (plus, for the coordinated
/// system, a coordinator) and the bench's own bus, which publishes SubmitTask to <c>coordinator.tasks</c>
/// and watches <c>coordinator.task-events</c> through a queue of its own. Disposing kills every process,
/// deletes the virtual host and the scratch directory.
/// </summary>
public abstract class BenchSystem : IAsyncDisposable
{
    /// <summary>Publishes awaiting their confirmation at once; bounds the publisher when running as fast as possible.</summary>
    const int MaxPublishesInFlight = 64;

    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    readonly List<HostProcess> _processes = [];
    readonly List<string> _agentIds = [];
    readonly Dictionary<string, HostProcess> _agentProcesses = new(StringComparer.Ordinal);
    IReadOnlyDictionary<string, string> _agentSettings = new Dictionary<string, string>();
    IBusControl? _bus;
    bool _virtualHostCreated;
    volatile WorkloadRun? _current;

    /// <summary>The coordinator's process, for systems that have one (its CPU time is measured per run).</summary>
    protected virtual int? CoordinatorPid => null;

    /// <summary>The run in progress, if any (for scenarios that watch it as it goes).</summary>
    public WorkloadRun? Current => _current;

    protected BenchSystem(string kind, int agents, int concurrency)
    {
        Kind = kind;
        AgentCount = agents;
        Concurrency = concurrency;
        Tag = $"{kind}-{Guid.NewGuid().ToString("N")[..8]}";
        VirtualHost = $"bench-{Tag}";
        WorkDirectory = Path.Combine(Path.GetTempPath(), "coordinator-bench", Tag);
    }

    public string Kind { get; }
    public string Tag { get; }
    public int AgentCount { get; }
    public int Concurrency { get; }
    public string VirtualHost { get; }
    public string WorkDirectory { get; }
    public IReadOnlyList<string> AgentIds => _agentIds;

    /// <summary>
    /// On the three-node cluster of <c>scripts/rabbitmq-cluster.sh</c> (AMQP 5681-5683, management 15681-15683), every process
    /// given its node list, instead of the local broker.
    /// </summary>
    public bool OnCluster { get; init; }

    /// <summary>The queues every process here declares (RabbitMq:QueueType).</summary>
    public BrokerQueueType QueueType { get; init; } = BrokerQueueType.Classic;

    BrokerManagement? _broker;
    string _brokerPassword = "";

    string BrokerUsername => $"{VirtualHost}.coordinator";

    protected BrokerManagement Broker => _broker ??= new BrokerManagement(OnCluster ? RabbitMqCluster.ManagementPort(1) : 15672);

    /// <summary>The broker settings of every process here and of the bench's own bus.</summary>
    RabbitMqOptions BrokerOptions
    {
        get
        {
            var options = OnCluster ? RabbitMqCluster.Options(VirtualHost) : new RabbitMqOptions { Host = BrokerManagement.Host, VirtualHost = VirtualHost };
            options.QueueType = QueueType;
            return options;
        }
    }

    /// <summary>The settings of every process here: <see cref="BrokerOptions"/> as the bench's own broker user.</summary>
    RabbitMqOptions ProcessBrokerOptions
    {
        get
        {
            var options = BrokerOptions;
            options.Username = BrokerUsername;
            options.Password = _brokerPassword;
            return options;
        }
    }

    protected static TimeSpan ProcessStartTimeout => StartTimeout;

    /// <summary>Creates the virtual host, starts the bench bus and the system's processes, and waits until it can take work.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(WorkDirectory);
        await Broker.CreateVirtualHostAsync(VirtualHost);
        _virtualHostCreated = true;
        // The bench's own broker user, as a deployment has (the coordinator refuses guest/guest outside Development).
        _brokerPassword = await Broker.CreateUserAsync(VirtualHost, BrokerUsername, "administrator");
        await StartBusAsync(cancellationToken);
        await StartProcessesAsync(cancellationToken);
    }

    protected abstract Task StartProcessesAsync(CancellationToken cancellationToken);

    protected Dictionary<string, string> BrokerEnvironment() => ProcessBrokerOptions.AgentEnvironment().ToDictionary();

    protected HostProcess Start(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var process = new HostProcess(name, dll, arguments, environment, WorkDirectory);
        lock (_processes)
            _processes.Add(process);
        return process;
    }

    /// <summary>Starts the agent processes, <c>{tag}-a{n}</c>, with the given extra settings.</summary>
    protected void StartAgents(IReadOnlyDictionary<string, string> settings)
    {
        _agentSettings = settings;
        for (var i = 1; i <= AgentCount; i++)
        {
            var agentId = $"{Tag}-a{i}";
            StartAgent(agentId);
            _agentIds.Add(agentId);
        }
    }

    void StartAgent(string agentId)
    {
        var environment = BrokerEnvironment();
        environment["Agent__WorkDirectory"] = Path.Combine(WorkDirectory, "agents", agentId);
        foreach (var (key, value) in _agentSettings)
            environment[key] = value;
        _agentProcesses[agentId] = Start($"agent {agentId}", RepositoryPaths.AgentWorkerDll,
            ["--agent-id", agentId, "--concurrency", Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment);
    }

    /// <summary>An agent's current process, to kill or pause it.</summary>
    public HostProcess AgentProcess(string agentId) => _agentProcesses[agentId];

    /// <summary>Starts an agent again under the same id after its process was killed (the dead one is forgotten).</summary>
    public async Task RestartAgentAsync(string agentId)
    {
        var dead = _agentProcesses[agentId];
        lock (_processes)
            _processes.Remove(dead);
        await dead.DisposeAsync();
        StartAgent(agentId);
    }

    /// <summary>Throws (with the processes' output) when one of them has exited.</summary>
    protected void EnsureAlive()
    {
        lock (_processes)
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } gone)
                throw new InvalidOperationException($"{gone.Name} exited with code {gone.ExitCode}\n{gone.Output}");
        }
    }

    public string Diagnostics()
    {
        lock (_processes)
            return string.Join("\n", _processes.Select(p => p.Output));
    }

    async Task StartBusAsync(CancellationToken cancellationToken)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.UseCoordinatorBroker(BrokerOptions, "bench");
            // The bench's own queue on coordinator.task-events; the event types it does not read are discarded.
            cfg.ReceiveEndpoint($"bench-events-{Tag}", e =>
            {
                e.Durable = false;
                e.AutoDelete = true;
                e.PrefetchCount = 512;
                e.ConcurrentMessageLimit = 64;
                e.DiscardSkippedMessages();
                e.Handler<TaskStarted>(context => Observe(run => run.OnStarted(context.Message)));
                e.Handler<TaskCompleted>(context => Observe(run => run.OnCompleted(context.Message)));
                e.Handler<TaskFailed>(context => Observe(run => run.OnFailed(context.Message)));
                e.Handler<TaskRejected>(context => Observe(run => run.OnRejected(context.Message)));
            });
        });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        await _bus.StartAsync(cts.Token);
    }

    Task Observe(Action<WorkloadRun> record)
    {
        if (_current is { } run)
            record(run);
        return Task.CompletedTask;
    }

    /// <summary>Submits the workload and waits (bounded by its timeout) until every task has a result.</summary>
    public async Task<RunResult> RunAsync(Workload workload, string label, CancellationToken cancellationToken)
    {
        EnsureAlive();
        var run = new WorkloadRun($"{Tag}-{Guid.NewGuid().ToString("N")[..6]}", workload.Tasks);
        _current = run;
        var cpuBefore = CpuShares.Take(CoordinatorPid, AgentPids());
        var timedOut = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(workload.Timeout);
        try
        {
            await PublishAllAsync(run, workload, deadline.Token);
            await run.AllFinished.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
            await Console.Error.WriteLineAsync(
                $"  {label}: timed out after {workload.Timeout.TotalSeconds:0} s with {run.FinishedCount} of {workload.Tasks} tasks finished");
        }
        finally
        {
            _current = null;
        }
        EnsureAlive();
        var result = run.Summarise(label, AgentIds, timedOut);
        var cpu = CpuShares.Take(CoordinatorPid, AgentPids()).Per1000Since(cpuBefore, result.Completed);
        return result with { Cpu = cpu };
    }

    List<int> AgentPids()
    {
        lock (_processes)
            return [.. _agentProcesses.Values.Where(p => !p.HasExited).Select(p => p.Pid)];
    }

    async Task PublishAllAsync(WorkloadRun run, Workload workload, CancellationToken cancellationToken)
    {
        var bus = _bus ?? throw new InvalidOperationException("the bench bus is not started");
        var inFlight = new SemaphoreSlim(MaxPublishesInFlight);
        var publishes = new List<Task>(workload.Tasks);
        var clock = Stopwatch.StartNew();
        run.FirstSubmit = DateTimeOffset.UtcNow;
        for (var i = 0; i < workload.Tasks; i++)
        {
            var due = workload.Offsets is { } offsets ? offsets[i] : workload.Rate > 0 ? TimeSpan.FromSeconds(i / workload.Rate) : TimeSpan.Zero;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, cancellationToken);
            await inFlight.WaitAsync(cancellationToken);
            publishes.Add(PublishOneAsync(bus, run, i, workload, inFlight, cancellationToken));
        }
        await Task.WhenAll(publishes);
    }

    static async Task PublishOneAsync(IBus bus, WorkloadRun run, int index, Workload workload, SemaphoreSlim inFlight,
        CancellationToken cancellationToken)
    {
        try
        {
            await bus.Publish(new SubmitTask
            {
                TaskId = run.TaskIds[index],
                TaskType = workload.TaskType,
                Payload = workload.Payload,
                Timestamp = DateTimeOffset.UtcNow,
            }, cancellationToken);
            run.Confirmed(index, DateTimeOffset.UtcNow);
        }
        finally
        {
            inFlight.Release();
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        List<HostProcess> processes;
        lock (_processes)
            processes = [.. _processes];
        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        if (_bus is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _bus.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("the bench bus did not stop within 15 s");
            }
        }
        if (_virtualHostCreated)
        {
            await Broker.DeleteVirtualHostAsync(VirtualHost);
            await Broker.DeleteUsersAsync($"{VirtualHost}.");
        }
        _broker?.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}
