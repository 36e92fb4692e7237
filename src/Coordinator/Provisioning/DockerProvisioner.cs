using System.Collections.Concurrent;
using System.Globalization;
using Coordinator.Agents.Identity;
using Coordinator.Hosting;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Coordinator.Provisioning;

/// <summary>
/// Agents as containers on a Docker engine (Docker.DotNet), chosen with <c>Provisioning:Provider=Docker</c>. Each agent is
/// a container of <c>Provisioning:Docker:Image</c> named <c>{ContainerPrefix}-{agentId}</c>, labelled with this
/// coordinator's owner name, the agent id and its profile; the profile's declared CPU and memory become the container's
/// limits. The engine's events tell when one dies: a supervised agent is started again after a backoff (as the local
/// provisioner does), any other is reported through <see cref="Exited"/> for the ScalingManager to replace. Stopping asks
/// the engine to stop the container (SIGTERM: the worker drains and unregisters; SIGKILL after the grace), then removes it.
/// On start the coordinator adopts the running containers it finds with its owner label (<see cref="AdoptAsync"/>).
/// </summary>
public sealed partial class DockerProvisioner(
    ProvisioningOptions options,
    RabbitMqOptions broker,
    AgentCredentials credentials,
    TimeProvider time,
    ILogger<DockerProvisioner> logger) : IAgentProvisioner, IAsyncDisposable
{
    public const string OwnerLabel = "coordinator.owner";
    public const string AgentLabel = "coordinator.agent-id";
    public const string ProfileLabel = "coordinator.profile";
    public const string SupervisedLabel = "coordinator.supervised";

    sealed class Owned(ProvisionedAgentSpec spec, bool supervised) : ProvisionedAgent(spec, supervised)
    {
        public string? ContainerId { get; set; }

        /// <summary>Its own broker user (identity enforced), kept across restarts; null: it connects as the coordinator does.</summary>
        public BrokerUser? BrokerUser { get; set; }
    }

    readonly ConcurrentDictionary<string, Owned> _agents = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _stop = new();
    readonly Lazy<DockerClient> _client = new(() =>
        new DockerClientConfiguration(new Uri(options.Docker.Endpoint), defaultTimeout: TimeSpan.FromSeconds(30)).CreateClient());
    Task? _events;
    Task<IReadOnlyList<ProvisionedAgentSpec>>? _adoption;

    DockerProvisionerOptions Docker => options.Docker;

    public string Name => "docker";

    public event Action<string>? Exited;

    public bool Owns(string agentId) => _agents.ContainsKey(agentId);

    public bool? IsRunning(string agentId) => _agents.TryGetValue(agentId, out var owned) ? !owned.Exited : null;

    public async Task<string> StartAsync(ProvisionedAgentSpec spec, bool supervised, CancellationToken cancellationToken)
    {
        EnsureWatching();
        var owned = _agents.GetOrAdd(spec.AgentId, _ => new Owned(spec, supervised));
        try
        {
            await LaunchAsync(owned, cancellationToken);
            return spec.AgentId;
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException
                                       or System.Net.Sockets.SocketException
                                       or TaskCanceledException && !cancellationToken.IsCancellationRequested) // the broker's user not made in time
        {
            _agents.TryRemove(spec.AgentId, out _);
            throw new ProvisioningException($"could not start agent {spec.AgentId} as a container of {Docker.Image}: {Describe(ex)}", ex);
        }
    }

    public async Task RestartAsync(string agentId, string reason, DateTimeOffset? lastHeard, CancellationToken cancellationToken)
    {
        if (!_agents.TryGetValue(agentId, out var owned) || !owned.Supervised)
            return;
        await owned.Gate.WaitAsync(cancellationToken);
        try
        {
            if (owned.NextRestart(lastHeard, time.GetUtcNow(), options) is not { } delay)
                return;
            LogRestarting(agentId, reason, delay.TotalMilliseconds, owned.FailuresInARow);
            var failed = owned.ContainerId;
            owned.ContainerId = null; // its death is this restart, not another failure
            await RemoveAsync(failed, CancellationToken.None);
            await Task.Delay(delay, time, cancellationToken);
            if (owned.Stopped)
                return;
            try
            {
                await LaunchAsync(owned, cancellationToken);
            }
            catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException)
            {
                LogLaunchFailed(agentId, Describe(ex));
                _ = RestartAsync(agentId, $"launch failed: {Describe(ex)}", null, CancellationToken.None);
            }
        }
        finally
        {
            owned.Gate.Release();
        }
    }

    public async Task StopAsync(string agentId, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_agents.TryRemove(agentId, out var owned))
            return;
        owned.Stopped = true;
        try
        {
            await StopContainerAsync(agentId, owned, grace, cancellationToken);
        }
        finally
        {
            await credentials.RevokeProvisionedAsync(agentId, CancellationToken.None);
        }
    }

    async Task StopContainerAsync(string agentId, Owned owned, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (owned.ContainerId is not { } id)
            return;
        try
        {
            if (!owned.Exited)
            {
                // SIGTERM, then SIGKILL after the grace (the engine's own stop).
                var seconds = (uint)Math.Ceiling(Math.Max(0, grace.TotalSeconds));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(grace + TimeSpan.FromSeconds(15));
                await _client.Value.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, timeout.Token);
                LogStopped(agentId, Short(id));
            }
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or OperationCanceledException
                                       && !cancellationToken.IsCancellationRequested)
        {
            LogStopFailed(agentId, Short(id), Describe(ex));
        }
        await RemoveAsync(id, cancellationToken);
    }

    /// <summary>
    /// The running containers labelled with this coordinator's owner name, taken in as owned (supervised ones stay so):
    /// a restarted coordinator keeps the fleet it had instead of starting another beside it. Returns their specs.
    /// </summary>
    public Task<IReadOnlyList<ProvisionedAgentSpec>> AdoptAsync(CancellationToken cancellationToken)
    {
        lock (_agents)
            return _adoption ??= FindAndAdoptAsync(cancellationToken); // once: the scaling manager and the supervisor both ask
    }

    async Task<IReadOnlyList<ProvisionedAgentSpec>> FindAndAdoptAsync(CancellationToken cancellationToken)
    {
        EnsureWatching();
        IList<ContainerListResponse> found;
        try
        {
            found = await _client.Value.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [$"{OwnerLabel}={Docker.Owner}"] = true },
                },
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException or TimeoutException
                                       or System.Net.Sockets.SocketException)
        {
            LogAdoptFailed(Docker.Endpoint, Describe(ex));
            return [];
        }
        var adopted = new List<ProvisionedAgentSpec>();
        foreach (var container in found)
        {
            if (!container.Labels.TryGetValue(AgentLabel, out var agentId) || string.IsNullOrWhiteSpace(agentId))
                continue;
            if (container.State != "running")
            {
                await RemoveAsync(container.ID, cancellationToken); // a dead one of ours, left by a coordinator that died
                continue;
            }
            var spec = SpecOf(agentId, container.Labels);
            var supervised = container.Labels.TryGetValue(SupervisedLabel, out var s) && s == "true";
            var owned = new Owned(spec, supervised) { ContainerId = container.ID, StartedAt = time.GetUtcNow() };
            if (_agents.TryAdd(agentId, owned))
            {
                adopted.Add(spec);
                LogAdopted(agentId, Short(container.ID), spec.Labels.GetValueOrDefault("profile") ?? "-");
            }
        }
        return adopted;
    }

    async Task LaunchAsync(Owned owned, CancellationToken cancellationToken)
    {
        var spec = owned.Spec;
        owned.BrokerUser ??= await credentials.ForProvisionedAsync(spec.AgentId, cancellationToken);
        var name = $"{Docker.ContainerPrefix}-{spec.AgentId}";
        await RemoveAsync(name, cancellationToken); // a leftover of the same name (a crash between create and remove)
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OwnerLabel] = Docker.Owner,
            [AgentLabel] = spec.AgentId,
            [SupervisedLabel] = owned.Supervised ? "true" : "false",
        };
        foreach (var (key, value) in spec.Labels)
            labels[$"coordinator.{key}"] = value;
        var host = new HostConfig
        {
            NetworkMode = Docker.Network,
            RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No }, // the coordinator restarts, not the engine
        };
        if (spec.CpuCores is { } cpu)
            host.NanoCPUs = (long)(cpu * 1_000_000_000);
        if (spec.MemoryMb is { } memory)
            host.Memory = memory * 1024 * 1024;
        var created = await _client.Value.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = Docker.Image,
            Env = Environment(spec, owned.BrokerUser),
            Labels = labels,
            HostConfig = host,
            StopSignal = "SIGTERM",
        }, cancellationToken);
        owned.ContainerId = created.ID;
        owned.Exited = false;
        owned.StartedAt = time.GetUtcNow();
        await _client.Value.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        LogStarted(spec.AgentId, Short(created.ID), Docker.Image);
    }

    List<string> Environment(ProvisionedAgentSpec spec, BrokerUser? user)
    {
        var env = new List<string>
        {
            $"Agent__AgentId={spec.AgentId}",
            $"Agent__Capabilities={spec.Capabilities}",
            $"Agent__MaxConcurrentTasks={Invariant(spec.Concurrency)}",
        };
        env.AddRange(broker.AgentEnvironment(Docker.BrokerHost, user).Select(e => $"{e.Key}={e.Value}"));
        if (spec.CpuCores is { } cpu)
            env.Add($"Agent__CpuCores={Invariant(cpu)}");
        if (spec.MemoryMb is { } memory)
            env.Add($"Agent__MemoryMb={Invariant(memory)}");
        if (spec.DiskMb is { } disk)
            env.Add($"Agent__DiskMb={Invariant(disk)}");
        foreach (var (key, value) in spec.Labels)
            env.Add($"Agent__Labels__{key}={value}");
        return env;
    }

    static ProvisionedAgentSpec SpecOf(string agentId, IDictionary<string, string> labels) => new()
    {
        AgentId = agentId,
        Labels = labels.Where(l => l.Key.StartsWith("coordinator.", StringComparison.Ordinal)
                                   && l.Key is not OwnerLabel and not AgentLabel and not SupervisedLabel)
            .ToDictionary(l => l.Key["coordinator.".Length..], l => l.Value),
    };

    /// <summary>Watches the engine's events for deaths of this coordinator's containers, from the first use on.</summary>
    void EnsureWatching()
    {
        if (_events is not null)
            return;
        lock (_agents)
            _events ??= Task.Run(() => WatchAsync(_stop.Token));
    }

    async Task WatchAsync(CancellationToken cancellationToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _client.Value.System.MonitorEventsAsync(new ContainerEventsParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["type"] = new Dictionary<string, bool> { ["container"] = true },
                        ["event"] = new Dictionary<string, bool> { ["die"] = true },
                        ["label"] = new Dictionary<string, bool> { [$"{OwnerLabel}={Docker.Owner}"] = true },
                    },
                }, new Progress<Message>(OnEvent), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogEventsLost(Describe(ex), retry.TotalSeconds);
            }
            try
            {
                await Task.Delay(retry, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            retry = retry < TimeSpan.FromSeconds(30) ? retry * 2 : retry;
        }
    }

    void OnEvent(Message message)
    {
        var attributes = message.Actor?.Attributes;
        if (attributes is null || !attributes.TryGetValue(AgentLabel, out var agentId) || !_agents.TryGetValue(agentId, out var owned))
            return;
        var id = message.Actor!.ID ?? message.ID;
        if (owned.Stopped || owned.ContainerId is null || !string.Equals(owned.ContainerId, id, StringComparison.Ordinal))
            return; // asked to stop, or replaced by a restart
        var code = attributes.TryGetValue("exitCode", out var c) ? c : "an unknown code";
        if (owned.Supervised)
        {
            _ = RestartAsync(agentId, $"container {Short(id)} died with {code}", null, CancellationToken.None);
            return;
        }
        owned.Exited = true;
        LogExited(agentId, Short(id), code);
        Exited?.Invoke(agentId);
    }

    async Task RemoveAsync(string? idOrName, CancellationToken cancellationToken)
    {
        if (idOrName is null)
            return;
        try
        {
            await _client.Value.Containers.RemoveContainerAsync(idOrName, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException or IOException)
        {
            LogRemoveFailed(idOrName, Describe(ex));
        }
    }

    static string Describe(Exception ex) => ex switch
    {
        DockerImageNotFoundException => $"the image is not on this engine ({ex.Message.Trim()}); build it with scripts/build-images.sh",
        DockerApiException api => $"{(int)api.StatusCode} {api.ResponseBody?.Trim()}",
        _ => ex.Message,
    };

    static string Short(string id) => id.Length > 12 ? id[..12] : id;

    static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_events is not null)
        {
            try
            {
                await _events.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
            }
        }
        if (_client.IsValueCreated)
            _client.Value.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} started as container {ContainerId} of {Image}")]
    partial void LogStarted(string agentId, string containerId, string image);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId}: container {ContainerId} stopped")]
    partial void LogStopped(string agentId, string containerId);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: container {ContainerId} could not be stopped: {Error}; removing it")]
    partial void LogStopFailed(string agentId, string containerId, string error);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: container {ContainerId} died with {ExitCode}")]
    partial void LogExited(string agentId, string containerId, string exitCode);

    [LoggerMessage(LogLevel.Warning, "Restarting supervised agent {AgentId} ({Reason}) in {DelayMs:0} ms (failure {FailuresInARow} in a row)")]
    partial void LogRestarting(string agentId, string reason, double delayMs, int failuresInARow);

    [LoggerMessage(LogLevel.Error, "Agent {AgentId}: its container could not be started: {Error}")]
    partial void LogLaunchFailed(string agentId, string error);

    [LoggerMessage(LogLevel.Information, "Adopted agent {AgentId}: running container {ContainerId} (profile {Profile})")]
    partial void LogAdopted(string agentId, string containerId, string profile);

    [LoggerMessage(LogLevel.Warning, "Could not list this coordinator's containers on {Endpoint}: {Error}; none adopted")]
    partial void LogAdoptFailed(string endpoint, string error);

    [LoggerMessage(LogLevel.Warning, "Could not remove container {Container}: {Error}")]
    partial void LogRemoveFailed(string container, string error);

    [LoggerMessage(LogLevel.Warning, "Lost the Docker engine's events ({Error}); watching again in {Seconds:0} s")]
    partial void LogEventsLost(string error, double seconds);
}
