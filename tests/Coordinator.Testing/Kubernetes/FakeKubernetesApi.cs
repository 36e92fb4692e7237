using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coordinator.Testing.Kubernetes;

/// <summary>
/// A Kubernetes API server for the parts the Kubernetes provisioner uses, on 127.0.0.1, answering as the real one does:
/// Deployments and their scale subresource (resourceVersion as an optimistic lock: a stale write gets 409 Conflict),
/// pods (list by label selector, get, JSON merge patch with an optional resourceVersion precondition, delete with a grace
/// period), and Status objects for errors (404 NotFound, 403 Forbidden, 409 Conflict, 422 Invalid). Behind it runs what a
/// cluster runs: a ReplicaSet controller that creates pods named <c>{deployment}-{hash}-{suffix}</c> up to the replicas
/// and, scaling down, deletes pods ranked as the real controller ranks them (pending before running, not ready before
/// ready, lower <c>controller.kubernetes.io/pod-deletion-cost</c> first, newer first), and a kubelet that runs each pod
/// through an <see cref="IPodRuntime"/> (a real process in the end-to-end test) and removes it once it has stopped.
/// What it leaves out: watches, other resources, strategic-merge and JSON patches, admission, and scheduling.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string DeletionCost = "controller.kubernetes.io/pod-deletion-cost";

    sealed class Deployment(string name, int replicas, Dictionary<string, string> labels, int graceSeconds)
    {
        public string Name { get; } = name;
        public string Uid { get; } = Guid.NewGuid().ToString();
        public string Hash { get; } = Suffix(10);
        public int Replicas { get; set; } = replicas;
        public Dictionary<string, string> Labels { get; } = labels;
        public int GraceSeconds { get; } = graceSeconds;
        public long ResourceVersion { get; set; }
        public int? PodLimit { get; set; }
        public string? ReplicaFailure { get; set; }
    }

    readonly LoopbackHttpServer _server;
    readonly CancellationTokenSource _stop = new();
    readonly object _gate = new();
    readonly Dictionary<string, Deployment> _deployments = new(StringComparer.Ordinal);
    readonly Dictionary<string, FakePod> _pods = new(StringComparer.Ordinal);
    readonly HashSet<string> _forbidden = new(StringComparer.Ordinal);
    readonly List<string> _requests = [];
    readonly IPodRuntime _runtime;
    readonly Task _controller;
    long _resourceVersion = 1000;
    int _conflicts;

    public FakeKubernetesApi(string @namespace = "default", IPodRuntime? runtime = null)
    {
        Namespace = @namespace;
        _runtime = runtime ?? new InstantPods();
        _server = new LoopbackHttpServer(AnswerAsync, concurrent: true);
        _controller = Task.Run(ControlAsync);
    }

    public string Namespace { get; }
    public string Url => _server.Url;

    /// <summary>Requests as "VERB path", in order (the query left out).</summary>
    public IReadOnlyList<string> Requests
    {
        get { lock (_gate) return [.. _requests]; }
    }

    public void AddDeployment(string name, int replicas, IReadOnlyDictionary<string, string> selector, int terminationGraceSeconds = 30)
    {
        lock (_gate)
            _deployments[name] = new Deployment(name, replicas, new Dictionary<string, string>(selector), terminationGraceSeconds) { ResourceVersion = Next() };
    }

    public int Replicas(string deployment)
    {
        lock (_gate) return _deployments[deployment].Replicas;
    }

    /// <summary>Copies of the deployment's pods, terminating ones included.</summary>
    public IReadOnlyList<FakePod> Pods(string deployment)
    {
        lock (_gate) return _pods.Values.Where(p => p.Deployment == deployment).Select(p => p.Copy()).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The pods not being deleted.</summary>
    public IReadOnlyList<FakePod> LivePods(string deployment) => Pods(deployment).Where(p => p.DeletionTimestamp is null).ToList();

    /// <summary>As <c>kubectl delete pod</c>: graceful, with the pod's own grace period.</summary>
    public void DeletePod(string name)
    {
        lock (_gate)
        {
            if (_pods.TryGetValue(name, out var pod))
                Delete(pod, null);
        }
    }

    /// <summary>As a resource quota: the ReplicaSet cannot create more than <paramref name="pods"/> pods (a ReplicaFailure condition says why).</summary>
    public void LimitPods(string deployment, int? pods)
    {
        lock (_gate)
            _deployments[deployment].PodLimit = pods;
    }

    /// <summary>As a Role without the permission: requests for <paramref name="resource"/> (e.g. <c>deployments/scale</c>) with <paramref name="verb"/> get 403.</summary>
    public void Forbid(string verb, string resource)
    {
        lock (_gate)
            _forbidden.Add($"{verb} {resource}");
    }

    /// <summary>As another writer (a user's kubectl scale, an autoscaler): the deployment's resourceVersion moves on.</summary>
    public void TouchDeployment(string deployment)
    {
        lock (_gate)
            _deployments[deployment].ResourceVersion = Next();
    }

    /// <summary>The next <paramref name="writes"/> scale writes lose a race with another writer: 409, and the resourceVersion moves on.</summary>
    public void ConflictNextScaleWrites(int writes)
    {
        lock (_gate)
            _conflicts = writes;
    }

    long Next() => ++_resourceVersion;

    // ---- the ReplicaSet controller and the kubelet ----

    async Task ControlAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            lock (_gate)
            {
                foreach (var deployment in _deployments.Values)
                    Reconcile(deployment);
            }
            try
            {
                await Task.Delay(50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    void Reconcile(Deployment deployment)
    {
        var live = _pods.Values.Where(p => p.Deployment == deployment.Name && p.DeletionTimestamp is null).ToList();
        if (live.Count < deployment.Replicas)
        {
            var room = deployment.PodLimit is { } limit ? Math.Max(0, limit - _pods.Values.Count(p => p.Deployment == deployment.Name)) : int.MaxValue;
            var creating = Math.Min(deployment.Replicas - live.Count, room);
            for (var i = 0; i < creating; i++)
                Create(deployment);
            var failure = creating < deployment.Replicas - live.Count
                ? $"pods \"{deployment.Name}-{deployment.Hash}-{Suffix(5)}\" is forbidden: exceeded quota: agents, requested: pods=1, used: pods={live.Count + creating}, limited: pods={deployment.PodLimit}"
                : null;
            if (failure != deployment.ReplicaFailure)
            {
                deployment.ReplicaFailure = failure;
                deployment.ResourceVersion = Next();
            }
        }
        else if (live.Count > deployment.Replicas)
        {
            // The real controller's ranking (ActivePodsWithRanks): pending before running, not ready before ready, lower
            // deletion cost first, then the newest first.
            foreach (var pod in live.OrderBy(p => p.Phase == "Pending" ? 0 : 1).ThenBy(p => p.Ready ? 1 : 0).ThenBy(p => p.Cost)
                         .ThenByDescending(p => p.CreationTimestamp).Take(live.Count - deployment.Replicas))
                Delete(pod, null);
        }
        else if (deployment.ReplicaFailure is not null)
        {
            deployment.ReplicaFailure = null;
            deployment.ResourceVersion = Next();
        }
    }

    void Create(Deployment deployment)
    {
        var pod = new FakePod
        {
            Name = $"{deployment.Name}-{deployment.Hash}-{Suffix(5)}",
            Deployment = deployment.Name,
            Uid = Guid.NewGuid().ToString(),
            Labels = new Dictionary<string, string>(deployment.Labels),
            CreationTimestamp = DateTimeOffset.UtcNow,
            ResourceVersion = Next(),
            GraceSeconds = deployment.GraceSeconds,
        };
        _pods[pod.Name] = pod;
        deployment.ResourceVersion = Next(); // its status counts the pod
        var copy = pod.Copy();
        _ = Task.Run(async () =>
        {
            try
            {
                await _runtime.StartAsync(copy, _stop.Token);
                lock (_gate)
                {
                    if (_pods.TryGetValue(copy.Name, out var started) && started.DeletionTimestamp is null)
                    {
                        started.Phase = "Running";
                        started.Ready = true;
                        started.ResourceVersion = Next();
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lock (_gate)
                {
                    if (_pods.TryGetValue(copy.Name, out var failed))
                    {
                        failed.Phase = "Failed";
                        failed.Reason = ex.Message;
                        failed.ResourceVersion = Next();
                    }
                }
            }
        });
    }

    void Delete(FakePod pod, int? graceSeconds)
    {
        var grace = graceSeconds ?? pod.GraceSeconds;
        if (pod.DeletionTimestamp is not null && grace >= (pod.DeletionGraceSeconds ?? int.MaxValue))
            return; // already going, at least as fast
        pod.DeletionTimestamp = DateTimeOffset.UtcNow;
        pod.DeletionGraceSeconds = grace;
        pod.Ready = false;
        pod.ResourceVersion = Next();
        if (_deployments.TryGetValue(pod.Deployment, out var deployment))
            deployment.ResourceVersion = Next();
        var copy = pod.Copy();
        _ = Task.Run(async () =>
        {
            try
            {
                await _runtime.StopAsync(copy, TimeSpan.FromSeconds(grace), _stop.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
            }
            lock (_gate)
            {
                if (_pods.TryGetValue(copy.Name, out var gone) && gone.Uid == copy.Uid)
                    _pods.Remove(copy.Name);
                if (_deployments.TryGetValue(copy.Deployment, out var owner))
                    owner.ResourceVersion = Next();
            }
        });
    }

    // ---- the API ----

    async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
            body = await reader.ReadToEndAsync();
        (int Status, JsonNode Body) answer;
        try
        {
            lock (_gate)
            {
                _requests.Add($"{request.HttpMethod} {request.Url!.AbsolutePath}");
                answer = Route(request.HttpMethod, request.Url!.AbsolutePath, request.QueryString, request.ContentType, body);
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            answer = Status(400, "BadRequest", $"the request could not be read: {ex.Message}");
        }
        var bytes = Encoding.UTF8.GetBytes(answer.Body.ToJsonString());
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        try
        {
            await context.Response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
        }
    }

    (int, JsonNode) Route(string verb, string path, System.Collections.Specialized.NameValueCollection query, string? contentType, string body)
    {
        var parts = path.Trim('/').Split('/');
        // /apis/apps/v1/namespaces/{ns}/deployments/{name}[/scale]
        if (parts is ["apis", "apps", "v1", "namespaces", var ns, "deployments", var name, ..] && parts.Length <= 8)
        {
            var scale = parts.Length == 8 && parts[7] == "scale";
            if (parts.Length == 8 && !scale)
                return NotFound(path);
            var resource = scale ? "deployments/scale" : "deployments";
            var apiVerb = verb switch { "GET" => "get", "PUT" => "update", "PATCH" => "patch", _ => verb.ToLowerInvariant() };
            if (_forbidden.Contains($"{apiVerb} {resource}"))
                return Forbidden(apiVerb, resource, "apps", name, ns);
            if (ns != Namespace || !_deployments.TryGetValue(name, out var deployment))
                return Status(404, "NotFound", $"deployments.apps \"{name}\" not found", name, "deployments", "apps");
            return (scale, verb) switch
            {
                (false, "GET") => (200, DeploymentJson(deployment)),
                (true, "GET") => (200, ScaleJson(deployment)),
                (true, "PUT") => WriteScale(deployment, body),
                _ => Status(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"),
            };
        }
        // /api/v1/namespaces/{ns}/pods[/{name}]
        if (parts is ["api", "v1", "namespaces", var podNs, "pods", ..] && parts.Length <= 6)
        {
            var podName = parts.Length == 6 ? parts[5] : null;
            var apiVerb = (verb, podName) switch { ("GET", null) => "list", ("GET", _) => "get", ("PATCH", _) => "patch", ("DELETE", _) => "delete", _ => verb.ToLowerInvariant() };
            if (_forbidden.Contains($"{apiVerb} pods"))
                return Forbidden(apiVerb, "pods", "", podName, podNs);
            if (podNs != Namespace)
                return podName is null ? (200, PodList([])) : Status(404, "NotFound", $"pods \"{podName}\" not found", podName, "pods");
            if (podName is null)
                return verb == "GET" ? ListPods(query["labelSelector"]) : Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
            if (!_pods.TryGetValue(podName, out var pod))
                return Status(404, "NotFound", $"pods \"{podName}\" not found", podName, "pods");
            return verb switch
            {
                "GET" => (200, PodJson(pod)),
                "PATCH" => PatchPod(pod, contentType, body),
                "DELETE" => DeletePod(pod, query["gracePeriodSeconds"]),
                _ => Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
            };
        }
        return NotFound(path);
    }

    (int, JsonNode) WriteScale(Deployment deployment, string body)
    {
        var scale = JsonNode.Parse(body) ?? throw new JsonException("an empty body");
        var version = scale["metadata"]?["resourceVersion"]?.GetValue<string>();
        if (_conflicts > 0)
        {
            _conflicts--;
            deployment.ResourceVersion = Next();
        }
        if (!string.IsNullOrEmpty(version) && version != deployment.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            return Conflict("deployments.apps", deployment.Name, "apps", "deployments");
        var replicas = scale["spec"]?["replicas"]?.GetValue<int>() ?? 0;
        if (replicas < 0)
            return Status(422, "Invalid", $"Scale.autoscaling \"{deployment.Name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0",
                deployment.Name, "Scale", "autoscaling");
        if (replicas != deployment.Replicas)
        {
            deployment.Replicas = replicas;
            deployment.ResourceVersion = Next();
        }
        return (200, ScaleJson(deployment));
    }

    (int, JsonNode) ListPods(string? selector)
    {
        var wanted = new List<(string Key, string Value)>();
        foreach (var requirement in (selector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = requirement.Split("==") is { Length: 2 } eq ? eq : requirement.Split('=');
            if (pair.Length != 2 || pair[0].Length == 0 || pair[0].Contains('!'))
                return Status(400, "BadRequest", $"unable to parse requirement: {requirement} (this fake knows equality only)");
            wanted.Add((pair[0].Trim(), pair[1].Trim()));
        }
        var items = _pods.Values.Where(p => wanted.All(w => p.Labels.TryGetValue(w.Key, out var v) && v == w.Value))
            .OrderBy(p => p.Name, StringComparer.Ordinal).Select(PodJson).ToList();
        return (200, PodList(items));
    }

    JsonObject PodList(List<JsonNode> items) => new()
    {
        ["kind"] = "PodList",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) },
        ["items"] = new JsonArray([.. items]),
    };

    (int, JsonNode) PatchPod(FakePod pod, string? contentType, string body)
    {
        if (contentType?.Split(';')[0].Trim() != "application/merge-patch+json")
            return Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (this fake knows no other; got {contentType})");
        var patch = JsonNode.Parse(body)?.AsObject() ?? throw new JsonException("an empty patch");
        foreach (var (key, _) in patch)
        {
            if (key != "metadata")
                return Status(422, "Invalid", $"this fake patches metadata only, not {key}");
        }
        var metadata = patch["metadata"]?.AsObject();
        var version = metadata?["resourceVersion"]?.GetValue<string>();
        if (version is not null && version != pod.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            return Conflict("pods", pod.Name, "", "pods");
        if (metadata?["annotations"] is JsonObject annotations)
            Merge(pod.Annotations, annotations);
        if (metadata?["labels"] is JsonObject labels)
            Merge(pod.Labels, labels);
        pod.ResourceVersion = Next();
        return (200, PodJson(pod));
    }

    static void Merge(Dictionary<string, string> target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
                target.Remove(key);
            else
                target[key] = value.GetValue<string>();
        }
    }

    (int, JsonNode) DeletePod(FakePod pod, string? graceSeconds)
    {
        int? grace = graceSeconds is null ? null : int.Parse(graceSeconds, CultureInfo.InvariantCulture);
        Delete(pod, grace);
        return (200, PodJson(pod));
    }

    JsonObject DeploymentJson(Deployment d)
    {
        var pods = _pods.Values.Where(p => p.Deployment == d.Name).ToList();
        var conditions = new JsonArray();
        if (d.ReplicaFailure is { } failure)
            conditions.Add(new JsonObject { ["type"] = "ReplicaFailure", ["status"] = "True", ["reason"] = "FailedCreate", ["message"] = failure });
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = Metadata(d.Name, d.Uid, d.ResourceVersion, null),
            ["spec"] = new JsonObject
            {
                ["replicas"] = d.Replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = Map(d.Labels) },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = Map(d.Labels) },
                    ["spec"] = new JsonObject
                    {
                        ["terminationGracePeriodSeconds"] = d.GraceSeconds,
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = "agent", ["image"] = "coordinator-local/agent:latest" }),
                    },
                },
            },
            ["status"] = new JsonObject
            {
                ["replicas"] = pods.Count,
                ["readyReplicas"] = pods.Count(p => p.Ready),
                ["availableReplicas"] = pods.Count(p => p.Ready),
                ["conditions"] = conditions,
            },
        };
    }

    JsonObject ScaleJson(Deployment d) => new()
    {
        ["kind"] = "Scale",
        ["apiVersion"] = "autoscaling/v1",
        ["metadata"] = Metadata(d.Name, d.Uid, d.ResourceVersion, null),
        ["spec"] = new JsonObject { ["replicas"] = d.Replicas },
        ["status"] = new JsonObject
        {
            ["replicas"] = _pods.Values.Count(p => p.Deployment == d.Name && p.DeletionTimestamp is null),
            ["selector"] = string.Join(',', d.Labels.Select(l => $"{l.Key}={l.Value}")),
        },
    };

    JsonNode PodJson(FakePod pod)
    {
        var metadata = Metadata(pod.Name, pod.Uid, pod.ResourceVersion, pod.CreationTimestamp);
        metadata["labels"] = Map(pod.Labels);
        if (pod.Annotations.Count > 0)
            metadata["annotations"] = Map(pod.Annotations);
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = $"{pod.Deployment}-{_deployments.GetValueOrDefault(pod.Deployment)?.Hash}",
            ["uid"] = pod.Uid, ["controller"] = true, ["blockOwnerDeletion"] = true,
        });
        if (pod.DeletionTimestamp is { } deleting)
        {
            metadata["deletionTimestamp"] = Time(deleting);
            metadata["deletionGracePeriodSeconds"] = pod.DeletionGraceSeconds;
        }
        var status = new JsonObject
        {
            ["phase"] = pod.Phase,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = pod.Ready ? "True" : "False" }),
        };
        if (pod.Reason is { } reason)
            status["reason"] = reason;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["terminationGracePeriodSeconds"] = pod.GraceSeconds,
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "agent", ["image"] = "coordinator-local/agent:latest" }),
            },
            ["status"] = status,
        };
    }

    JsonObject Metadata(string name, string uid, long resourceVersion, DateTimeOffset? created) => new()
    {
        ["name"] = name,
        ["namespace"] = Namespace,
        ["uid"] = uid,
        ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture),
        ["creationTimestamp"] = Time(created ?? DateTimeOffset.UnixEpoch),
    };

    static JsonObject Map(Dictionary<string, string> values) => new(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

    static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    static (int, JsonNode) NotFound(string path) => Status(404, "NotFound", $"the server could not find the requested resource ({path})");

    (int, JsonNode) Forbidden(string verb, string resource, string group, string? name, string ns)
    {
        var what = resource.Split('/')[0] + (group.Length > 0 ? $".{group}" : "");
        return Status(403, "Forbidden",
            $"{what}{(name is null ? "" : $" \"{name}\"")} is forbidden: User \"system:serviceaccount:{Namespace}:coordinator\" cannot {verb} resource \"{resource}\" in API group \"{group}\" in the namespace \"{ns}\"",
            name, resource, group);
    }

    static (int, JsonNode) Conflict(string what, string name, string group, string kind) =>
        Status(409, "Conflict", $"Operation cannot be fulfilled on {what} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            name, kind, group);

    static (int, JsonNode) Status(int code, string reason, string message, string? name = null, string? kind = null, string? group = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (name is not null || kind is not null)
            status["details"] = new JsonObject { ["name"] = name, ["group"] = group, ["kind"] = kind };
        return (code, status);
    }

    static string Suffix(int length)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789"; // the ReplicaSet's: no vowels, no 0/1/3
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Dispose();
        try
        {
            await _controller.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }
        List<FakePod> left;
        lock (_gate)
            left = [.. _pods.Values.Select(p => p.Copy())];
        await Task.WhenAll(left.Select(p => _runtime.StopAsync(p, TimeSpan.Zero, CancellationToken.None)));
        _stop.Dispose();
    }

    /// <summary>Pods that run nothing: Running and ready as soon as they are created, gone as soon as they are deleted.</summary>
    sealed class InstantPods : IPodRuntime
    {
        public Task StartAsync(FakePod pod, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(FakePod pod, TimeSpan grace, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>What the fake kubelet runs for a pod.</summary>
public interface IPodRuntime
{
    /// <summary>Starts what the pod runs; the pod is Running and ready once this returns (Failed if it throws).</summary>
    Task StartAsync(FakePod pod, CancellationToken cancellationToken);

    /// <summary>SIGTERM, and SIGKILL after <paramref name="grace"/>; the pod is removed once this returns.</summary>
    Task StopAsync(FakePod pod, TimeSpan grace, CancellationToken cancellationToken);
}

public sealed class FakePod
{
    public required string Name { get; init; }
    public required string Deployment { get; init; }
    public required string Uid { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public Dictionary<string, string> Annotations { get; init; } = [];
    public DateTimeOffset CreationTimestamp { get; init; }
    public int GraceSeconds { get; init; }
    public long ResourceVersion { get; set; }
    public string Phase { get; set; } = "Pending";
    public bool Ready { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset? DeletionTimestamp { get; set; }
    public int? DeletionGraceSeconds { get; set; }

    public int Cost => Annotations.TryGetValue(FakeKubernetesApi.DeletionCost, out var cost) && int.TryParse(cost, out var value) ? value : 0;

    public FakePod Copy() => new()
    {
        Name = Name, Deployment = Deployment, Uid = Uid, Labels = new(Labels), Annotations = new(Annotations), CreationTimestamp = CreationTimestamp,
        GraceSeconds = GraceSeconds, ResourceVersion = ResourceVersion, Phase = Phase, Ready = Ready, Reason = Reason,
        DeletionTimestamp = DeletionTimestamp, DeletionGraceSeconds = DeletionGraceSeconds,
    };
}
