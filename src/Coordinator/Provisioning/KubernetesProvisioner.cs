using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Coordinator.Provisioning;

/// <summary>
/// Agents as pods of an agent Deployment (KubernetesClient), chosen with <c>Provisioning:Provider=Kubernetes</c>. The
/// Deployment is the coordinator's: every pod of it is one agent, named after the pod (the manifest gives the worker its
/// pod's name as <c>Agent__AgentId</c>), so a start returns the name the pod has. A start first claims a spare (a live pod
/// no one claimed: the ReplicaSet's replacement of a pod deleted or evicted behind the coordinator's back, or one the
/// Deployment had before); only without one does it raise the replicas by one through the scale subresource (with the
/// scale's resourceVersion: a concurrent writer makes it read and try again) and claim the new pod. Claiming annotates the
/// pod with this coordinator's owner name and the profile. Stopping a live pod marks it first (<c>coordinator/draining</c>,
/// and the lowest <c>controller.kubernetes.io/pod-deletion-cost</c>, so the ReplicaSet removes that pod), then lowers the
/// replicas; the kubelet sends SIGTERM (the worker drains and unregisters). A pod of its own that disappears without being
/// asked is reported through <see cref="Exited"/>; its replica stays, and its replacement is the next start's spare. The
/// pod template decides the pods' resources, not the profile.
/// </summary>
public sealed partial class KubernetesProvisioner(
    ProvisioningOptions options,
    TimeProvider time,
    ILogger<KubernetesProvisioner> logger) : IAgentProvisioner, IAsyncDisposable
{
    public const string OwnerAnnotation = "coordinator/owner";
    public const string ProfileAnnotation = "coordinator/profile";
    public const string DrainingAnnotation = "coordinator/draining";
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";
    /// <summary>The lowest cost there is: among pods equally ready, the ReplicaSet removes this one first.</summary>
    const string Cheapest = "-2147483648";
    static readonly TimeSpan ClaimPoll = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);
    const int ScaleAttempts = 5;

    /// <summary>What the coordinator's service account must be allowed (deploy/kubernetes/rbac.yaml grants exactly this).</summary>
    public static readonly IReadOnlyList<(string Group, string Resource, string Verb)> Permissions =
    [
        ("apps", "deployments", "get"),
        ("apps", "deployments/scale", "get"),
        ("apps", "deployments/scale", "update"),
        ("", "pods", "get"),
        ("", "pods", "list"),
        ("", "pods", "patch"),
        ("", "pods", "delete"),
    ];

    sealed class Owned(ProvisionedAgentSpec spec, string deployment) : ProvisionedAgent(spec, supervised: false)
    {
        public string Deployment { get; } = deployment;
    }

    readonly ConcurrentDictionary<string, Owned> _agents = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, string> _selectors = new(StringComparer.Ordinal);
    readonly SemaphoreSlim _scaling = new(1, 1);
    readonly SemaphoreSlim _starting = new(1, 1);
    /// <summary>The Deployments it has started or adopted pods in: watched for lost pods and their replacements.</summary>
    readonly ConcurrentDictionary<string, byte> _watched = new(StringComparer.Ordinal);
    /// <summary>Per Deployment, the profiles of its pods lost behind its back, whose replacements it takes in when they appear.</summary>
    readonly ConcurrentDictionary<string, ConcurrentQueue<(string? Profile, DateTimeOffset Lost)>> _replacing = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _stop = new();
    readonly Lazy<(IKubernetes Client, string Namespace)> _api = new(() => Connect(options.Kubernetes));
    Task? _watch;
    Task<IReadOnlyList<ProvisionedAgentSpec>>? _adoption;

    KubernetesProvisionerOptions Settings => options.Kubernetes;
    IKubernetes Client => _api.Value.Client;
    string Namespace => _api.Value.Namespace;

    public string Name => "kubernetes";

    /// <summary>The pods are the Deployment's: a coordinator rolled or restarted leaves them, and the next one adopts them.</summary>
    public bool KeepsAgentsWhenStopping => true;

    public event Action<string>? Exited;

    public event Action<ProvisionedAgentSpec>? Adopted;

    public bool Owns(string agentId) => _agents.ContainsKey(agentId);

    public bool? IsRunning(string agentId) => _agents.TryGetValue(agentId, out var owned) ? !owned.Exited : null;

    public async Task<string> StartAsync(ProvisionedAgentSpec spec, bool supervised, CancellationToken cancellationToken)
    {
        if (supervised)
            throw new ProvisioningException($"agent {spec.AgentId}: supervised agents cannot run on Kubernetes; run them as a Deployment of their own");
        var profile = spec.Labels.GetValueOrDefault("profile");
        var deployment = Settings.DeploymentFor(profile);
        // One start at a time: each knows the pods there were before it asked, and the one pod it asked for is the one it
        // claims (starts side by side would claim each other's pods and leave one without). A pod object appears as soon as
        // the ReplicaSet makes it, long before it runs, so this costs little.
        await _starting.WaitAsync(cancellationToken);
        try
        {
            EnsureWatching();
            _watched.TryAdd(deployment, 0);
            var pods = await SettledPodsAsync(deployment, cancellationToken);
            var spare = await ClaimSpareAsync(pods, profile, cancellationToken);
            if (spare is not null && _replacing.TryGetValue(deployment, out var replacing))
                replacing.TryDequeue(out _); // this start is the replacement a lost pod was waiting for
            if (spare is not { } pod)
            {
                var before = new HashSet<string>(StringComparer.Ordinal);
                await ScaleByAsync(deployment, +1, cancellationToken, async () =>
                {
                    before.Clear();
                    before.UnionWith((await SettledPodsAsync(deployment, cancellationToken)).Select(p => p.Name()));
                });
                try
                {
                    pod = await ClaimNewPodAsync(deployment, before, profile, cancellationToken);
                }
                catch
                {
                    await GiveBackAsync(deployment, "the start failed");
                    throw;
                }
            }
            var name = pod.Name();
            _agents[name] = new Owned(spec.Named(name), deployment) { StartedAt = time.GetUtcNow() };
            LogStarted(name, Where(deployment), profile ?? "-");
            return name;
        }
        catch (Exception ex) when (IsApiFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new ProvisioningException($"could not start an agent as a pod of deployment {Where(deployment)}: {Describe(ex)}", ex);
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>Pods restart their own containers, and supervised agents are refused on Kubernetes: nothing to restart here.</summary>
    public Task RestartAsync(string agentId, string reason, DateTimeOffset? lastHeard, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(string agentId, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_agents.TryRemove(agentId, out var owned))
            return;
        owned.Stopped = true;
        try
        {
            var pod = await ReadPodAsync(agentId, cancellationToken);
            if (pod is null || !Live(pod))
            {
                // Deleted or evicted by someone else: the ReplicaSet replaces it (a spare for the next start); what is left
                // of it goes now, and the replicas stay.
                if (pod is not null && grace == TimeSpan.Zero)
                    await DeletePodAsync(agentId, 0, cancellationToken);
                return;
            }
            if (!await MarkForRemovalAsync(agentId, cancellationToken))
                return; // gone meanwhile: replaced, as above
            await ScaleByAsync(owned.Deployment, -1, cancellationToken);
            LogStopping(agentId, Where(owned.Deployment));
            // The ReplicaSet removes the cheapest pod: the kubelet sends SIGTERM, and SIGKILL after the pod's own grace period.
            // A pod still not terminating after the grace (the controller ranks readiness before cost, so it may have chosen
            // a pod not yet ready) is deleted by name; a stop without grace deletes it at once, without a grace period.
            if (grace > TimeSpan.Zero && await TerminatingWithinAsync(agentId, grace, cancellationToken))
                return;
            await DeletePodAsync(agentId, grace > TimeSpan.Zero ? null : 0, cancellationToken);
        }
        catch (Exception ex) when (IsApiFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogStopFailed(agentId, Where(owned.Deployment), Describe(ex));
        }
    }

    /// <summary>
    /// The live pods of the agent Deployments annotated with this coordinator's owner name, taken in as owned: a restarted
    /// coordinator keeps the fleet it had. Returns their specs, with the profile they were claimed for.
    /// </summary>
    public Task<IReadOnlyList<ProvisionedAgentSpec>> AdoptAsync(CancellationToken cancellationToken)
    {
        lock (_agents)
            return _adoption ??= FindAndAdoptAsync(cancellationToken); // once: the scaling manager and the supervisor both ask
    }

    async Task<IReadOnlyList<ProvisionedAgentSpec>> FindAndAdoptAsync(CancellationToken cancellationToken)
    {
        var adopted = new List<ProvisionedAgentSpec>();
        foreach (var deployment in Settings.Deployments.Values.Append(Settings.Deployment).Distinct(StringComparer.Ordinal))
        {
            IReadOnlyList<V1Pod> pods;
            try
            {
                pods = await ListPodsAsync(deployment, cancellationToken);
            }
            catch (Exception ex) when (IsApiFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                LogAdoptFailed(Where(deployment), Describe(ex));
                continue;
            }
            foreach (var pod in pods.Where(p => Live(p) && Annotation(p, OwnerAnnotation) == Settings.Owner && Annotation(p, DrainingAnnotation) is null))
            {
                var spec = new ProvisionedAgentSpec { AgentId = pod.Name() };
                if (Annotation(pod, ProfileAnnotation) is { } profile)
                    spec.Labels["profile"] = profile;
                if (_agents.TryAdd(spec.AgentId, new Owned(spec, deployment) { StartedAt = time.GetUtcNow() }))
                {
                    _watched.TryAdd(deployment, 0);
                    adopted.Add(spec);
                    LogAdopted(spec.AgentId, Where(deployment), spec.Labels.GetValueOrDefault("profile") ?? "-");
                }
            }
        }
        if (adopted.Count > 0)
            EnsureWatching();
        return adopted;
    }

    /// <summary>Waits for a pod the ReplicaSet made after <paramref name="before"/> and claims it (an annotation guarded by its resourceVersion).</summary>
    async Task<V1Pod> ClaimNewPodAsync(string deployment, HashSet<string> before, string? profile, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + Settings.PodWaitTimeout;
        while (true)
        {
            var pods = await ListPodsAsync(deployment, cancellationToken);
            foreach (var pod in pods.Where(p => !before.Contains(p.Name()) && Live(p) && !Claimed(p)).OrderBy(p => p.Metadata.CreationTimestamp))
            {
                try
                {
                    var annotations = new Dictionary<string, string?> { [OwnerAnnotation] = Settings.Owner, [ProfileAnnotation] = profile };
                    return await PatchAnnotationsAsync(pod, annotations, cancellationToken);
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
                {
                    // changed since it was listed (claimed by another coordinator, say) or gone: try the next one
                }
            }
            if (time.GetUtcNow() >= deadline)
                throw new ProvisioningException(
                    $"no new pod of deployment {Where(deployment)} within {Settings.PodWaitTimeout.TotalSeconds:0} s: {await WhyNoPodAsync(deployment, cancellationToken)}");
            await Task.Delay(ClaimPoll, time, cancellationToken);
        }
    }

    /// <summary>
    /// Claims the oldest live pod no one has claimed (a replacement the ReplicaSet made for a pod lost behind the
    /// coordinator's back, or one the Deployment had before it); null when there is none.
    /// </summary>
    async Task<V1Pod?> ClaimSpareAsync(IReadOnlyList<V1Pod> pods, string? profile, CancellationToken cancellationToken)
    {
        foreach (var spare in pods.Where(p => Live(p) && !Claimed(p)).OrderBy(p => p.Metadata.CreationTimestamp))
        {
            try
            {
                var claimed = await PatchAnnotationsAsync(spare, new Dictionary<string, string?> { [OwnerAnnotation] = Settings.Owner, [ProfileAnnotation] = profile },
                    cancellationToken);
                LogSpareClaimed(claimed.Name());
                return claimed;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // changed or gone since it was listed: the next one
            }
        }
        return null;
    }

    async Task<V1Pod?> ReadPodAsync(string podName, CancellationToken cancellationToken)
    {
        try
        {
            return await Call(t => Client.CoreV1.ReadNamespacedPodAsync(podName, Namespace, cancellationToken: t), cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    bool Claimed(V1Pod pod) =>
        _agents.ContainsKey(pod.Name()) || Annotation(pod, OwnerAnnotation) is not null || Annotation(pod, DrainingAnnotation) is not null;

    /// <summary>What the Deployment says about its pods: a ReplicaFailure condition (a quota, say), or its counts.</summary>
    async Task<string> WhyNoPodAsync(string deployment, CancellationToken cancellationToken)
    {
        try
        {
            var status = (await Call(t => Client.AppsV1.ReadNamespacedDeploymentAsync(deployment, Namespace, cancellationToken: t), cancellationToken)).Status;
            var failure = status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True");
            return failure is not null
                ? $"{failure.Reason}: {failure.Message}"
                : $"the deployment has {status?.Replicas ?? 0} pod(s), {status?.ReadyReplicas ?? 0} ready, and reports no failure";
        }
        catch (Exception ex) when (IsApiFailure(ex))
        {
            return $"and its status could not be read ({Describe(ex)})";
        }
    }

    /// <summary>
    /// The pods once the ReplicaSet has caught up with the replicas (as many live pods), or as they are after a few seconds
    /// (a quota may keep it short). A start takes these as the pods that were there before it: one still live because the
    /// controller has not yet acted on a scale-down would otherwise stand in for the pod the start asks for.
    /// </summary>
    async Task<IReadOnlyList<V1Pod>> SettledPodsAsync(string deployment, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + SettleTimeout;
        while (true)
        {
            var replicas = (await Call(t => Client.AppsV1.ReadNamespacedDeploymentScaleAsync(deployment, Namespace, cancellationToken: t), cancellationToken))
                .Spec?.Replicas ?? 0;
            var pods = await ListPodsAsync(deployment, cancellationToken);
            if (pods.Count(Live) == replicas || time.GetUtcNow() >= deadline)
                return pods;
            await Task.Delay(ClaimPoll, time, cancellationToken);
        }
    }

    /// <summary>
    /// Sets the replicas to what they are plus <paramref name="delta"/>, with the scale's resourceVersion; a conflict reads
    /// again. <paramref name="prepare"/> runs before each read, with no other scaling of this provisioner in between.
    /// </summary>
    async Task ScaleByAsync(string deployment, int delta, CancellationToken cancellationToken, Func<Task>? prepare = null)
    {
        await _scaling.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                if (prepare is not null)
                    await prepare();
                var scale = await Call(t => Client.AppsV1.ReadNamespacedDeploymentScaleAsync(deployment, Namespace, cancellationToken: t), cancellationToken);
                var from = scale.Spec?.Replicas ?? 0;
                scale.Spec ??= new V1ScaleSpec();
                scale.Spec.Replicas = Math.Max(0, from + delta);
                try
                {
                    await Call(t => Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, deployment, Namespace, cancellationToken: t), cancellationToken);
                    LogScaled(Where(deployment), from, scale.Spec.Replicas.Value);
                    return;
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < ScaleAttempts)
                {
                    LogScaleConflict(Where(deployment), attempt);
                }
            }
        }
        finally
        {
            _scaling.Release();
        }
    }

    /// <summary>Gives a replica back after a failed start; a failure here is logged (the replicas stay one too many).</summary>
    async Task GiveBackAsync(string deployment, string why)
    {
        try
        {
            await ScaleByAsync(deployment, -1, _stop.Token);
        }
        catch (Exception ex) when (IsApiFailure(ex) || ex is OperationCanceledException)
        {
            LogGiveBackFailed(Where(deployment), why, Describe(ex));
        }
    }

    /// <summary>Marks the pod to be the one removed; false when it is gone already.</summary>
    async Task<bool> MarkForRemovalAsync(string podName, CancellationToken cancellationToken)
    {
        try
        {
            var patch = new { metadata = new { annotations = new Dictionary<string, string> { [DrainingAnnotation] = "true", [DeletionCostAnnotation] = Cheapest } } };
            await Call(t => Client.CoreV1.PatchNamespacedPodAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), podName, Namespace, cancellationToken: t),
                cancellationToken);
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    async Task<V1Pod> PatchAnnotationsAsync(V1Pod pod, Dictionary<string, string?> annotations, CancellationToken cancellationToken)
    {
        // With its resourceVersion the patch is a precondition: the API answers 409 if the pod changed since it was listed.
        var patch = new { metadata = new { resourceVersion = pod.Metadata.ResourceVersion, annotations } };
        return await Call(t => Client.CoreV1.PatchNamespacedPodAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), pod.Name(), Namespace,
            cancellationToken: t), cancellationToken);
    }

    async Task<bool> TerminatingWithinAsync(string podName, TimeSpan grace, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + grace;
        while (true)
        {
            try
            {
                var pod = await Call(t => Client.CoreV1.ReadNamespacedPodAsync(podName, Namespace, cancellationToken: t), cancellationToken);
                if (pod.Metadata.DeletionTimestamp is not null)
                    return true;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
            if (time.GetUtcNow() >= deadline)
                return false;
            await Task.Delay(ClaimPoll, time, cancellationToken);
        }
    }

    async Task DeletePodAsync(string podName, int? gracePeriodSeconds, CancellationToken cancellationToken)
    {
        try
        {
            await Call(t => Client.CoreV1.DeleteNamespacedPodAsync(podName, Namespace, gracePeriodSeconds: gracePeriodSeconds, cancellationToken: t),
                cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    async Task<IReadOnlyList<V1Pod>> ListPodsAsync(string deployment, CancellationToken cancellationToken)
    {
        if (!_selectors.TryGetValue(deployment, out var selector))
        {
            var found = await Call(t => Client.AppsV1.ReadNamespacedDeploymentAsync(deployment, Namespace, cancellationToken: t), cancellationToken);
            var labels = found.Spec?.Selector?.MatchLabels;
            if (labels is null || labels.Count == 0)
                throw new ProvisioningException($"deployment {Where(deployment)} selects its pods by expressions only; give it spec.selector.matchLabels");
            selector = _selectors.GetOrAdd(deployment, string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")));
        }
        var list = await Call(t => Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: selector, cancellationToken: t), cancellationToken);
        return list.Items as IReadOnlyList<V1Pod> ?? [.. list.Items];
    }

    /// <summary>Lists the pods it owns every PollInterval, from the first use on: one gone without being asked is reported.</summary>
    void EnsureWatching()
    {
        if (_watch is not null)
            return;
        lock (_agents)
            _watch ??= Task.Run(() => WatchAsync(_stop.Token));
    }

    async Task WatchAsync(CancellationToken cancellationToken)
    {
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var deployment in _watched.Keys.ToList())
                    await CheckPodsAsync(deployment, cancellationToken);
                if (failing)
                    LogWatchingAgain();
                failing = false;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (IsApiFailure(ex) || ex is ProvisioningException))
            {
                if (!failing)
                    LogWatchFailed(Describe(ex), Settings.PollInterval.TotalSeconds);
                failing = true;
            }
            try
            {
                await Task.Delay(Settings.PollInterval, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    async Task CheckPodsAsync(string deployment, CancellationToken cancellationToken)
    {
        var listedAt = time.GetUtcNow();
        var pods = (await ListPodsAsync(deployment, cancellationToken)).ToDictionary(p => p.Name(), StringComparer.Ordinal);
        foreach (var owned in _agents.Values.Where(a => a.Deployment == deployment && !a.Stopped && !a.Exited && a.StartedAt < listedAt).ToList())
        {
            var id = owned.Spec.AgentId;
            if (pods.TryGetValue(id, out var pod) && Live(pod))
                continue;
            owned.Exited = true;
            var why = pod is null ? "deleted" : pod.Metadata.DeletionTimestamp is not null ? "terminating" : $"{pod.Status?.Phase}: {pod.Status?.Reason ?? pod.Status?.Message ?? "-"}";
            LogExited(id, why);
            // The ReplicaSet replaces it: the replacement is taken in below when it appears, unless a start claims it first.
            _replacing.GetOrAdd(deployment, _ => new()).Enqueue((owned.Spec.Labels.GetValueOrDefault("profile"), listedAt));
            Exited?.Invoke(id);
        }
        await AdoptReplacementsAsync(deployment, pods.Values.ToList(), cancellationToken);
    }

    /// <summary>
    /// Takes in the ReplicaSet's replacements of pods lost behind its back, as owned agents of the lost pods' profiles
    /// (raised through <see cref="Adopted"/>), when no start is under way (a start claims spares itself). A replacement that
    /// does not appear within PodWaitTimeout (the replicas were lowered by someone else) is no longer waited for.
    /// </summary>
    async Task AdoptReplacementsAsync(string deployment, List<V1Pod> pods, CancellationToken cancellationToken)
    {
        if (!_replacing.TryGetValue(deployment, out var replacing) || replacing.IsEmpty || !await _starting.WaitAsync(0, cancellationToken))
            return;
        try
        {
            var now = time.GetUtcNow();
            while (replacing.TryPeek(out var lost))
            {
                if (now - lost.Lost > Settings.PodWaitTimeout)
                {
                    replacing.TryDequeue(out _);
                    continue;
                }
                if (await ClaimSpareAsync(pods, lost.Profile, cancellationToken) is not { } replacement)
                    return; // not there yet: the next poll
                replacing.TryDequeue(out _);
                var spec = new ProvisionedAgentSpec { AgentId = replacement.Name() };
                if (lost.Profile is { } profile)
                    spec.Labels["profile"] = profile;
                _agents[spec.AgentId] = new Owned(spec, deployment) { StartedAt = now };
                LogReplacementAdopted(spec.AgentId, Where(deployment));
                Adopted?.Invoke(spec);
            }
        }
        finally
        {
            _starting.Release();
        }
    }

    static bool Live(V1Pod pod) => pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Failed" or "Succeeded");

    static string? Annotation(V1Pod pod, string key) => pod.Metadata.Annotations?.TryGetValue(key, out var value) == true ? value : null;

    string Where(string deployment) => _api.IsValueCreated ? $"{Namespace}/{deployment}" : deployment;

    /// <summary>One API call, bounded in time (the client's own timeout is long, and a hung API must not hang a start).</summary>
    static async Task<T> Call<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            return await call(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the API server did not answer within {CallTimeout.TotalSeconds:0} s");
        }
    }

    static (IKubernetes, string) Connect(KubernetesProvisionerOptions settings)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = settings.ApiServer is { } url
                ? new KubernetesClientConfiguration { Host = url, AccessToken = settings.Token }
                : KubernetesClientConfiguration.IsInCluster()
                    ? KubernetesClientConfiguration.InClusterConfig()
                    : KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ProvisioningException(
                $"no Kubernetes API to talk to: not in a cluster, Provisioning:Kubernetes:ApiServer unset, and no usable kubeconfig ({ex.Message})", ex);
        }
        return (new Kubernetes(config), settings.Namespace ?? config.Namespace ?? "default");
    }

    static bool IsApiFailure(Exception ex) =>
        ex is HttpOperationException or HttpRequestException or IOException or TimeoutException or ProvisioningException
            or System.Net.Sockets.SocketException or JsonException;

    static string Describe(Exception ex)
    {
        if (ex is not HttpOperationException { Response: { } response })
            return ex.Message;
        var message = response.Content;
        try
        {
            if (JsonDocument.Parse(response.Content ?? "").RootElement.TryGetProperty("message", out var m))
                message = m.GetString();
        }
        catch (JsonException)
        {
        }
        var hint = response.StatusCode == HttpStatusCode.Forbidden
            ? $" (the coordinator's service account needs {string.Join(", ", Permissions.GroupBy(p => p.Resource).Select(g => $"{string.Join('/', g.Select(p => p.Verb))} on {g.Key}"))}: deploy/kubernetes/rbac.yaml)"
            : "";
        return $"{(int)response.StatusCode} {message}{hint}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_watch is not null)
        {
            try
            {
                await _watch.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
            }
        }
        if (_api.IsValueCreated)
            _api.Value.Client.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} started as a pod of {Deployment} (profile {Profile})")]
    partial void LogStarted(string agentId, string deployment, string profile);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId}: its pod is marked for removal and {Deployment} scaled down")]
    partial void LogStopping(string agentId, string deployment);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: its pod in {Deployment} could not be stopped: {Error}")]
    partial void LogStopFailed(string agentId, string deployment, string error);

    [LoggerMessage(LogLevel.Information, "Scaled {Deployment} from {From} to {To} replicas")]
    partial void LogScaled(string deployment, int from, int to);

    [LoggerMessage(LogLevel.Information, "Scaling {Deployment}: its scale changed under this write (attempt {Attempt}); reading it again")]
    partial void LogScaleConflict(string deployment, int attempt);

    [LoggerMessage(LogLevel.Error, "Could not give a replica of {Deployment} back after {Why}: {Error}; it has one pod more than asked for")]
    partial void LogGiveBackFailed(string deployment, string why, string error);

    [LoggerMessage(LogLevel.Information, "Claimed spare pod {Pod} (no pod of the Deployment was unclaimed otherwise, so the replicas stay)")]
    partial void LogSpareClaimed(string pod);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId}: the pod {Deployment}'s ReplicaSet made to replace a lost one, taken in")]
    partial void LogReplacementAdopted(string agentId, string deployment);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: its pod is {Why}")]
    partial void LogExited(string agentId, string why);

    [LoggerMessage(LogLevel.Information, "Adopted agent {AgentId}: running pod of {Deployment} (profile {Profile})")]
    partial void LogAdopted(string agentId, string deployment, string profile);

    [LoggerMessage(LogLevel.Warning, "Could not list the pods of {Deployment}: {Error}; none adopted")]
    partial void LogAdoptFailed(string deployment, string error);

    [LoggerMessage(LogLevel.Warning, "Could not list the agent pods ({Error}); trying again every {Seconds:0.#} s")]
    partial void LogWatchFailed(string error, double seconds);

    [LoggerMessage(LogLevel.Information, "Listing the agent pods works again")]
    partial void LogWatchingAgain();
}
