namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// One test's own system: a fresh RabbitMQ virtual host (so queue names never collide between tests),
/// a database of its own, a coordinator process and any number of agent processes. Disposing kills
/// every process and deletes the virtual host and the database.
/// </summary>
public sealed class TestSystem : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    public const int FailureThreshold = 3;
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    readonly List<HostProcess> _processes = [];
    readonly PostgresDatabase? _postgres;
    readonly Dictionary<string, string> _coordinatorSettings;

    readonly BrokerCluster? _cluster;
    readonly TlsBroker? _tls;

    TestSystem(string virtualHost, string workDirectory, PostgresDatabase? postgres, Dictionary<string, string> coordinatorSettings,
        BrokerCluster? cluster, TlsBroker? tls)
    {
        VirtualHost = virtualHost;
        WorkDirectory = workDirectory;
        _postgres = postgres;
        _coordinatorSettings = coordinatorSettings;
        _cluster = cluster;
        _tls = tls;
        Broker = new BrokerManagement(tls is not null ? RabbitMqCluster.TlsManagementPort : cluster is null ? 15672 : RabbitMqCluster.ManagementPort(1));
    }

    /// <summary>The coordinators' API: HTTPS with the TLS broker's server certificate, when on it.</summary>
    string Scheme => _tls is null ? "http" : "https";

    public string VirtualHost { get; }
    public string WorkDirectory { get; }

    /// <summary>The broker user the coordinators and agents here connect as (agents with their own users aside).</summary>
    public string BrokerUsername => $"{VirtualHost}.coordinator";

    public string BrokerPassword { get; private set; } = "";

    /// <summary>The API key every <see cref="CoordinatorApi"/> made here sends (null: none; the coordinators are open to loopback).</summary>
    public string? ApiKey { get; private init; }

    /// <summary>The broker's management API: the local node's, or the first cluster node's.</summary>
    public BrokerManagement Broker { get; }
    public CoordinatorApi Api { get; private set; } = null!;
    public CoordinatorProcess Coordinator { get; private set; } = null!;

    public string DatabaseDescription => _postgres is null ? "SQLite" : "PostgreSQL";

    /// <summary>
    /// Creates the virtual host and database; starts the coordinator unless told not to. With a <paramref name="cluster"/>, every
    /// process here connects to its three nodes and declares quorum queues.
    /// </summary>
    public static async Task<TestSystem> StartAsync(bool postgres = false, bool startCoordinator = true,
        Dictionary<string, string>? coordinatorSettings = null, BrokerCluster? cluster = null, string? apiKey = null, TlsBroker? tls = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var workDirectory = Path.Combine(Path.GetTempPath(), "coordinator-tests", id);
        Directory.CreateDirectory(workDirectory);
        var system = new TestSystem($"test-{id}", workDirectory, postgres ? await PostgresDatabase.CreateAsync() : null,
            coordinatorSettings ?? [], cluster, tls) { ApiKey = apiKey };
        await system.Broker.CreateVirtualHostAsync(system.VirtualHost);
        // The test's own broker user, as a deployment has (the coordinator refuses guest/guest outside Development).
        system.BrokerPassword = await system.Broker.CreateUserAsync(system.VirtualHost, system.BrokerUsername, "administrator");
        if (startCoordinator)
            await system.StartCoordinatorAsync();
        return system;
    }

    /// <summary>The broker settings of every process here: the local broker, or the cluster's node list and quorum queues.</summary>
    public Hosting.RabbitMqOptions BrokerOptions()
    {
        var options = _tls is not null ? RabbitMqCluster.TlsOptions(VirtualHost, _tls.CaPath)
            : _cluster is null ? new Hosting.RabbitMqOptions { Host = "127.0.0.1", VirtualHost = VirtualHost } : RabbitMqCluster.Options(VirtualHost);
        options.Username = BrokerUsername;
        options.Password = BrokerPassword;
        return options;
    }

    Dictionary<string, string> BrokerEnvironment() => BrokerOptions().AgentEnvironment().ToDictionary();

    public Dictionary<string, string> CoordinatorEnvironment(int port)
    {
        var environment = BrokerEnvironment();
        environment["Coordinator__HttpUrl"] = $"{Scheme}://127.0.0.1:{port}";
        if (_tls is not null)
        {
            // Kestrel's own settings: the default certificate of an https:// URL, PEM with its key.
            environment["Kestrel__Certificates__Default__Path"] = _tls.ServerCertificatePath;
            environment["Kestrel__Certificates__Default__KeyPath"] = _tls.ServerKeyPath;
        }
        // The tests talk to it from this machine, as ./run.sh's user does (Production would ask them for a key).
        environment["Api__OpenTo"] = "Loopback";
        environment["Coordinator__HeartbeatInterval"] = HeartbeatInterval.ToString();
        environment["Coordinator__FailureThreshold"] = FailureThreshold.ToString();
        environment["Coordinator__HealthSweepInterval"] = SweepInterval.ToString();
        // Agents here connect as the test's broker user unless a test gives them their own (When_agents_prove_who_they_are).
        // Broker users are the broker's, not a virtual host's: each test's agents' users are named after its virtual host.
        environment["AgentIdentity__Mode"] = "Claimed";
        environment["AgentIdentity__UserPrefix"] = $"{VirtualHost}.agent-";
        if (_postgres is null)
        {
            environment["Database__Provider"] = "Sqlite";
            environment["Database__ConnectionString"] = $"Data Source={Path.Combine(WorkDirectory, "coordinator.db")}";
        }
        else
        {
            environment["Database__Provider"] = "Postgres";
            environment["Database__ConnectionString"] = _postgres.ConnectionString;
        }
        foreach (var (key, value) in _coordinatorSettings)
            environment[key] = value;
        return environment;
    }

    /// <summary>
    /// Starts a coordinator (again, after a restart; or one more, beside the others on PostgreSQL) and waits until /health/ready
    /// answers 200; it is <see cref="Coordinator"/> and <see cref="Api"/> from then on. <paramref name="overrides"/> are this
    /// one's own settings (a connection string through a proxy, say).
    /// </summary>
    public async Task<CoordinatorProcess> StartCoordinatorAsync(string name = "coordinator", IReadOnlyDictionary<string, string>? overrides = null)
    {
        var port = FreePort.Next();
        var environment = CoordinatorEnvironment(port);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
            environment[key] = value;
        var coordinator = Track(new CoordinatorProcess(name, environment, WorkDirectory));
        var api = new CoordinatorApi(new Uri($"{Scheme}://127.0.0.1:{port}"), ApiKey, _tls?.TrustingHandler());
        await Eventually.Until(async () =>
            {
                if (coordinator.HasExited)
                    throw new InvalidOperationException($"{name} exited with {coordinator.ExitCode}\n{coordinator.Output}");
                return (await api.Http.GetAsync("/health/ready")).IsSuccessStatusCode;
            },
            TimeSpan.FromSeconds(60), $"{name} to be ready", () => coordinator.Output);
        Api = api;
        Coordinator = coordinator;
        lock (_apis)
            _apis[coordinator] = api;
        return coordinator;
    }

    readonly Dictionary<CoordinatorProcess, CoordinatorApi> _apis = [];

    /// <summary>Every coordinator started here that is still running (started and ready).</summary>
    public IReadOnlyList<CoordinatorProcess> Coordinators()
    {
        lock (_apis)
            return _apis.Keys.Where(c => !c.HasExited).ToList();
    }

    /// <summary>The HTTP API of a coordinator started here (each keeps its own while the system lives).</summary>
    public CoordinatorApi ApiOf(CoordinatorProcess coordinator)
    {
        lock (_apis)
            return _apis[coordinator];
    }

    /// <summary>The PostgreSQL database's connection string (null with SQLite).</summary>
    public string? PostgresConnectionString => _postgres?.ConnectionString;

    /// <summary>Environment every agent started from now on gets besides the broker's (tracing variables, say).</summary>
    public Dictionary<string, string> AgentSettings { get; } = [];

    public AgentProcess StartAgent(string agentId, params string[] arguments) =>
        Track(new AgentProcess(agentId, arguments, AgentEnvironment(agentId), WorkDirectory));

    /// <summary>An agent that connects to the broker as <paramref name="username"/> (its own user, made by the coordinator).</summary>
    public AgentProcess StartAgentAs(string username, string password, string agentId, params string[] arguments) =>
        StartAgentWith(new Dictionary<string, string> { ["RabbitMq__Username"] = username, ["RabbitMq__Password"] = password }, agentId, arguments);

    /// <summary>An agent with <paramref name="settings"/> over the environment every agent here gets.</summary>
    public AgentProcess StartAgentWith(IReadOnlyDictionary<string, string> settings, string agentId, params string[] arguments)
    {
        var environment = AgentEnvironment(agentId);
        foreach (var (key, value) in settings)
            environment[key] = value;
        return Track(new AgentProcess(agentId, arguments, environment, WorkDirectory));
    }

    /// <summary>
    /// An agent of another program than the demo agent (a project on the SDK): <paramref name="program"/> with
    /// <paramref name="arguments"/> and <c>--agent-id</c>, the same environment as every agent here; killed with the system.
    /// </summary>
    public HostProcess StartAgentProgram(string agentId, string program, IReadOnlyList<string> arguments) =>
        Track(new HostProcess($"agent {agentId}", arguments[0], [.. arguments.Skip(1), "--agent-id", agentId], AgentEnvironment(agentId),
            WorkDirectory, program));

    Dictionary<string, string> AgentEnvironment(string agentId)
    {
        var environment = BrokerEnvironment();
        foreach (var (key, value) in AgentSettings)
            environment[key] = value;
        environment["Agent__HeartbeatInterval"] = HeartbeatInterval.ToString();
        environment["Agent__WorkDirectory"] = Path.Combine(WorkDirectory, "agents", agentId);
        return environment;
    }

    T Track<T>(T process) where T : HostProcess
    {
        lock (_processes)
            _processes.Add(process);
        return process;
    }

    public Task<AgentDto> WaitForStateAsync(string agentId, string state, TimeSpan? timeout = null) =>
        Eventually.Until(async () => await Api.AgentAsync(agentId), a => a?.State == state, timeout ?? TimeSpan.FromSeconds(30),
            $"agent {agentId} to be {state}", Diagnostics)!;

    public Task<TaskDto> WaitForTaskAsync(string taskId, params string[] statuses) =>
        Eventually.Until(async () => await Api.TaskAsync(taskId), t => t is not null && statuses.Contains(t.Status), TimeSpan.FromSeconds(60),
            $"task {taskId} to be {string.Join(" or ", statuses)}", Diagnostics)!;

    /// <summary>Starts agents and waits until every one is Active.</summary>
    public async Task<IReadOnlyList<AgentProcess>> StartActiveAgentsAsync(params (string Id, string[] Arguments)[] agents)
    {
        var started = agents.Select(a => StartAgent(a.Id, a.Arguments)).ToList();
        foreach (var agent in agents)
            await WaitForStateAsync(agent.Id, "Active", TimeSpan.FromSeconds(60));
        return started;
    }

    public string Diagnostics()
    {
        lock (_processes)
            return string.Join("\n", _processes.Select(p => p.Output));
    }

    public async ValueTask DisposeAsync()
    {
        List<HostProcess> processes;
        lock (_processes)
            processes = [.. _processes];
        foreach (var process in processes)
            await process.DisposeAsync();
        lock (_apis)
            foreach (var api in _apis.Values)
                api.Dispose();
        await Broker.DeleteVirtualHostAsync(VirtualHost);
        await Broker.DeleteUsersAsync($"{VirtualHost}.");
        Broker.Dispose();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { }
    }
}
