using System.Collections.Concurrent;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;
using Coordinator.Testing.Kubernetes;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Scaling;

/// <summary>
/// The ScalingManager with the Kubernetes provisioner (Provisioning:Provider=Kubernetes), end to end on the real broker.
/// No API server can run here: the coordinator talks to <see cref="FakeKubernetesApi"/>, whose ReplicaSet controller makes
/// the pods, and whose kubelet runs each pod as a real agent worker process named after the pod (as the manifest's
/// <c>Agent__AgentId</c> from <c>metadata.name</c> does), SIGTERM on deletion and SIGKILL after the pod's grace period.
/// </summary>
public sealed class When_the_fleet_runs_as_pods(ITestOutputHelper output) : IAsyncLifetime
{
    const string Deployment = "coordinator-agent";
    readonly AgentPods _pods = new();
    FakeKubernetesApi _api = null!;
    TestSystem _system = null!;

    /// <summary>The fake kubelet: a pod is an agent worker process with the pod's name as its agent id.</summary>
    sealed class AgentPods : IPodRuntime
    {
        readonly ConcurrentDictionary<string, AgentProcess> _running = new(StringComparer.Ordinal);
        public TestSystem? System { get; set; }

        public Task StartAsync(FakePod pod, CancellationToken cancellationToken)
        {
            var system = System ?? throw new InvalidOperationException("no system to run the pod's agent in yet");
            _running[pod.Name] = system.StartAgent(pod.Name, "--capabilities", "echo,sleep", "--concurrency", "2");
            return Task.CompletedTask;
        }

        public async Task StopAsync(FakePod pod, TimeSpan grace, CancellationToken cancellationToken)
        {
            if (!_running.TryRemove(pod.Name, out var agent) || agent.HasExited)
                return;
            agent.Terminate();
            try
            {
                await agent.WaitForExitAsync(grace > TimeSpan.Zero ? grace : TimeSpan.FromMilliseconds(1));
            }
            catch (TimeoutException)
            {
                agent.Kill();
            }
        }
    }

    public async Task InitializeAsync()
    {
        _api = new FakeKubernetesApi("agents", _pods);
        _api.AddDeployment(Deployment, 0, new Dictionary<string, string> { ["app.kubernetes.io/component"] = "agent" }, terminationGraceSeconds: 20);
        _system = await TestSystem.StartAsync(startCoordinator: false, coordinatorSettings: ScalingSettings.Fleet(1, 3, "echo,sleep", 2,
            ("Provisioning__Provider", "Kubernetes"),
            ("Provisioning__Kubernetes__ApiServer", _api.Url),
            ("Provisioning__Kubernetes__Namespace", "agents"),
            ("Provisioning__Kubernetes__Deployment", Deployment),
            ("Provisioning__Kubernetes__PollInterval", "00:00:00.500"),
            ("Scaling__StartTimeout", "00:01:00")));
        _pods.System = _system;
        await _system.StartCoordinatorAsync();
    }

    public async Task DisposeAsync()
    {
        await _system.Coordinator.DisposeAsync(); // no more scaling while the pods go
        await _api.DisposeAsync();
        await _system.DisposeAsync();
    }

    string Diagnostics() => _system.Diagnostics() + "\n--- pods ---\n"
                            + string.Join("\n", _api.Pods(Deployment).Select(p => $"{p.Name} {p.Phase} ready={p.Ready} deleting={p.DeletionTimestamp is not null} {string.Join(',', p.Annotations.Select(a => $"{a.Key}={a.Value}"))}"))
                            + $"\nreplicas {_api.Replicas(Deployment)}";

    static int Current(JsonElement scaling) => scaling.GetProperty("current").GetInt32();

    IReadOnlyList<string> Live() => _api.LivePods(Deployment).Select(p => p.Name).ToList();

    [Fact]
    public async Task A_backlog_scales_the_deployment_up_idleness_drains_the_marked_pods_a_deleted_pod_is_replaced_and_the_next_coordinator_adopts_them()
    {
        var minimum = await Eventually.Until(_system.Api.ScalingAsync, s => s.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("state").GetString() == "Active"),
            TimeSpan.FromSeconds(60), "the minimum of one agent pod, Active", Diagnostics);
        var first = Assert.Single(Live());
        Assert.Equal(first, minimum.GetProperty("agents")[0].GetProperty("agentId").GetString()); // the agent is the pod, by name
        Assert.Equal(1, _api.Replicas(Deployment));

        // A backlog: the Deployment grows to the maximum of three pods, and every task runs once.
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
            ids.Add(await _system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 1500 } }));
        await Eventually.Until(() => Task.FromResult(_api.Replicas(Deployment)), n => n == 3, TimeSpan.FromSeconds(60), "three replicas", Diagnostics);
        foreach (var id in ids)
        {
            var done = await _system.WaitForTaskAsync(id, "Completed");
            Assert.True(done.Attempts == 1, $"{id} took {done.Attempts} attempts\n{Diagnostics()}");
        }

        // Idle: the chosen pods are drained, marked, and the replicas lowered; the ReplicaSet removes exactly those pods.
        await Eventually.Until(() => Task.FromResult((_api.Replicas(Deployment), _api.Pods(Deployment).Count)), n => n == (1, 1),
            TimeSpan.FromSeconds(90), "the idle Deployment back to one pod", Diagnostics);
        var scaling = await _system.Api.ScalingAsync();
        var stopped = scaling.GetProperty("decisions").EnumerateArray().Where(d => d.GetProperty("action").GetString() == "Down")
            .SelectMany(d => d.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()!)).ToList();
        Assert.Equal(2, stopped.Count);
        var survivor = Assert.Single(Live());
        Assert.DoesNotContain(survivor, stopped);
        foreach (var agentId in stopped)
        {
            Assert.StartsWith($"{Deployment}-", agentId);
            await _system.WaitForStateAsync(agentId, "Unregistered"); // drained and unregistered, not killed
        }

        // kubectl delete pod: the worker unregisters on SIGTERM, the replica is given back, and the ScalingManager starts another.
        _api.DeletePod(survivor);
        await _system.WaitForStateAsync(survivor, "Unregistered", TimeSpan.FromSeconds(20));
        var replaced = await Eventually.Until(_system.Api.ScalingAsync, s => Current(s) == 1 && s.GetProperty("agents").EnumerateArray()
                .Any(a => a.GetProperty("state").GetString() == "Active" && a.GetProperty("agentId").GetString() != survivor),
            TimeSpan.FromSeconds(60), "a replacement pod, Active", Diagnostics);
        var replacement = replaced.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("state").GetString() == "Active").GetProperty("agentId").GetString()!;
        await Eventually.Until(() => Task.FromResult(Live()), p => p.SequenceEqual([replacement]), TimeSpan.FromSeconds(30),
            "the replacement as the only pod", Diagnostics);
        Assert.Equal(1, _api.Replicas(Deployment));

        // A coordinator that stops (a rolling update) leaves its pods to the Deployment; the next one adopts them instead of
        // scaling up.
        var stopping = _system.Coordinator;
        stopping.Terminate();
        await stopping.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("agent(s) left running (kubernetes)", stopping.Output);
        Assert.Equal([replacement], Live());
        Assert.Equal(1, _api.Replicas(Deployment));
        await _system.StartCoordinatorAsync("coordinator (restarted)");
        var after = await Eventually.Until(_system.Api.ScalingAsync, s => s.GetProperty("agents").GetArrayLength() == 1
                && s.GetProperty("agents").EnumerateArray().All(a => a.GetProperty("state").GetString() == "Active"),
            TimeSpan.FromSeconds(30), "the restarted coordinator to count the running pod as its own", Diagnostics);
        Assert.Contains("Adopted agent", _system.Coordinator.Output);
        Assert.DoesNotContain(after.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("action").GetString() == "Up");
        Assert.Equal([replacement], Live());
        Assert.Equal(1, _api.Replicas(Deployment));
        output.WriteLine(string.Join("\n", _api.Requests.GroupBy(r => r).Select(g => $"{g.Count(),5} {g.Key}")));
    }
}
