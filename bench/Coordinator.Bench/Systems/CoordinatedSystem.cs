using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Bench.Infrastructure;
using Coordinator.Contracts;

namespace Coordinator.Bench.Systems;

/// <summary>
/// The product: a coordinator process (SQLite in the scratch directory, HTTP on a free loopback port,
/// the given placement strategy) and agents that register with it and consume their own queues: started by the bench,
/// or, with <paramref name="scaledFleet"/>, by the coordinator's own ScalingManager (its minimum; the bench starts none).
/// </summary>
public sealed class CoordinatedSystem(int agents, int concurrency, string strategy, IReadOnlyDictionary<string, string>? settings = null,
    bool scaledFleet = false) : BenchSystem(scaledFleet ? "scaled" : "coord", agents, concurrency)
{
    readonly HttpClient _api = new() { Timeout = TimeSpan.FromSeconds(10) };
    HostProcess? _coordinator;

    protected override int? CoordinatorPid => _coordinator?.Pid;

    /// <summary>The coordinator's process id once started (to read its CPU and memory).</summary>
    public int? CoordinatorProcessId => CoordinatorPid;

    public string Strategy { get; } = strategy;

    /// <summary>What the coordinator has written so far (empty before it starts).</summary>
    public string CoordinatorOutput => _coordinator?.Output ?? "";

    /// <summary>Settings from the command line (--set), applied last.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// AgentIdentity:Mode=Broker: each agent enrols with this bootstrap token (Agent:BootstrapToken) and connects as its own
    /// broker user, and the coordinator takes an agent's messages from that user only. Null: Claimed, agents as the bench's user.
    /// </summary>
    public string? BootstrapToken { get; init; }

    /// <summary>The coordinator's HTTP API (base address set once started).</summary>
    public HttpClient Api => _api;

    /// <summary>The coordinator's process once started (the first, when more are started beside it).</summary>
    public HostProcess? Coordinator => _coordinator;

    Dictionary<string, string> CoordinatorEnvironment(int port)
    {
        var environment = BrokerEnvironment();
        environment["Coordinator__HttpUrl"] = $"http://127.0.0.1:{port}";
        environment["Api__OpenTo"] = "Loopback"; // the bench reads and submits from this machine
        environment["AgentIdentity__Mode"] = "Claimed"; // its agents connect as the bench's broker user
        if (BootstrapToken is not null)
        {
            environment["AgentIdentity__Mode"] = "Broker";
            environment["AgentIdentity__UserPrefix"] = $"{VirtualHost}.agent-"; // deleted with the virtual host's users
            environment["AgentIdentity__BootstrapTokens__0__Name"] = "bench";
            environment["AgentIdentity__BootstrapTokens__0__Hash"] = "sha256:" + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(BootstrapToken)));
        }
        environment["Coordinator__LoadBalancingStrategy"] = Strategy;
        environment["Database__Provider"] = "Sqlite";
        environment["Database__ConnectionString"] = $"Data Source={Path.Combine(WorkDirectory, "coordinator.db")}";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        foreach (var (key, value) in Overrides)
            environment[key] = value;
        return environment;
    }

    /// <summary>
    /// One more coordinator with the same settings (on PostgreSQL: a standby of the first, or its successor), on a port of its
    /// own; returns once its /health/ready answers (200 or 503: it is up).
    /// </summary>
    public async Task<(HostProcess Process, HttpClient Api)> StartAnotherCoordinatorAsync(string name, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var process = Start(name, RepositoryPaths.CoordinatorDll, [], CoordinatorEnvironment(port));
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{name} exited with code {process.ExitCode}\n{process.Output}");
                try
                {
                    using var response = await api.GetAsync("/health/ready", cancellationToken);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ProcessStartTimeout, $"{name} to answer", () => process.Output, cancellationToken);
        return (process, api);
    }

    protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        _api.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _coordinator = Start("coordinator", RepositoryPaths.CoordinatorDll, [], CoordinatorEnvironment(port));

        await Poll.UntilAsync(async () =>
            {
                EnsureAlive();
                using var response = await _api.GetAsync("/health/ready", cancellationToken);
                return response.IsSuccessStatusCode
                       && ((await Broker.GetQueueAsync(VirtualHost, EntityNames.IntakeQueue))?.Consumers ?? 0) > 0
                       && ((await Broker.GetQueueAsync(VirtualHost, EntityNames.DispatchQueue))?.Consumers ?? 0) > 0;
            },
            ProcessStartTimeout, "the coordinator to be ready", Diagnostics, cancellationToken);

        if (!scaledFleet)
            StartAgents(BootstrapToken is null ? new Dictionary<string, string>() : new Dictionary<string, string>
            {
                ["Agent__BootstrapToken"] = BootstrapToken,
                ["Agent__CoordinatorUrl"] = _api.BaseAddress.ToString(),
            });
        await Poll.UntilAsync(async () =>
            {
                EnsureAlive();
                var listed = await _api.GetFromJsonAsync<JsonElement>("/api/agents", cancellationToken);
                var active = listed.EnumerateArray()
                    .Where(a => a.GetProperty("state").GetString() == "Active")
                    .Select(a => a.GetProperty("agentId").GetString())
                    .ToHashSet();
                return scaledFleet ? active.Count >= AgentCount : AgentIds.All(active.Contains);
            },
            ProcessStartTimeout, $"{AgentCount} agents to be Active", Diagnostics, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await base.DisposeAsync();
    }
}
