using Coordinator.Provisioning;
using Coordinator.Testing.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coordinator.UnitTests.Provisioning;

/// <summary>
/// The Kubernetes provisioner against <see cref="FakeKubernetesApi"/> (no API server can run here): the real client, over
/// HTTP on 127.0.0.1, to a fake that answers as the API does and runs a ReplicaSet controller behind it. Two pods of the
/// Deployment are there from the start, unclaimed: spares, which the first starts take. (The whole ScalingManager on this
/// fake, with the pods as real agent processes on the broker, is an integration test.)
/// </summary>
public sealed class When_agents_run_as_pods : IAsyncLifetime
{
    const string Deployment = "coordinator-agent";
    static readonly Dictionary<string, string> Selector = new() { ["app.kubernetes.io/name"] = "coordinator", ["app.kubernetes.io/component"] = "agent" };

    readonly FakeKubernetesApi _api = new("agents");
    readonly List<KubernetesProvisioner> _provisioners = [];
    IReadOnlyList<string> _base = [];

    public async Task InitializeAsync()
    {
        _api.AddDeployment(Deployment, 2, Selector, terminationGraceSeconds: 5);
        _base = (await Until(() => _api.LivePods(Deployment), p => p.Count == 2 && p.All(x => x.Ready), "the deployment's two pods")).Select(p => p.Name).ToList();
    }

    public async Task DisposeAsync()
    {
        foreach (var provisioner in _provisioners)
            await provisioner.DisposeAsync();
        await _api.DisposeAsync();
    }

    /// <summary>Polls the fake's state (in memory, no I/O) until it holds or the deadline passes.</summary>
    static async Task<T> Until<T>(Func<T> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var last = probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}; last: {last}");
            await Task.Delay(50);
            last = probe();
        }
        return last;
    }

    KubernetesProvisioner Provisioner(string owner = "coordinator", TimeSpan? podWait = null)
    {
        var options = new ProvisioningOptions
        {
            Provider = "Kubernetes",
            Kubernetes = new KubernetesProvisionerOptions
            {
                ApiServer = _api.Url, Namespace = "agents", Deployment = Deployment, Owner = owner,
                PodWaitTimeout = podWait ?? TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(200),
            },
        };
        var provisioner = new KubernetesProvisioner(options, TimeProvider.System, NullLogger<KubernetesProvisioner>.Instance);
        _provisioners.Add(provisioner);
        return provisioner;
    }

    static ProvisionedAgentSpec Spec(string requested = "default-x") => new() { AgentId = requested, Labels = { ["profile"] = "default" } };

    /// <summary>A provisioner that has claimed the two pods the Deployment had, so its next start must raise the replicas.</summary>
    async Task<KubernetesProvisioner> ProvisionerWithoutSparesAsync(TimeSpan? podWait = null)
    {
        var provisioner = Provisioner(podWait: podWait);
        var claimed = new[] { await provisioner.StartAsync(Spec(), false, CancellationToken.None), await provisioner.StartAsync(Spec(), false, CancellationToken.None) };
        Assert.Equal(_base.Order(), claimed.Order());
        Assert.Equal(2, _api.Replicas(Deployment));
        return provisioner;
    }

    [Fact]
    public async Task Starts_claim_the_spares_then_raise_the_replicas_for_new_pods_and_a_stop_marks_its_pod_before_scaling_down()
    {
        var provisioner = Provisioner();
        var names = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => provisioner.StartAsync(Spec($"default-{i}"), false, CancellationToken.None)));

        Assert.Equal(5, names.Distinct().Count());
        Assert.Equal(_base.Order(), names.Intersect(_base).Order()); // the two pods there were, then three new ones
        Assert.Equal(5, _api.Replicas(Deployment));
        var pods = _api.LivePods(Deployment).ToDictionary(p => p.Name);
        foreach (var name in names)
        {
            Assert.Equal("coordinator", pods[name].Annotations[KubernetesProvisioner.OwnerAnnotation]);
            Assert.Equal("default", pods[name].Annotations[KubernetesProvisioner.ProfileAnnotation]);
            Assert.True(provisioner.Owns(name));
            Assert.True(provisioner.IsRunning(name));
        }

        var stopped = names.Except(_base).First();
        await provisioner.StopAsync(stopped, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(4, _api.Replicas(Deployment));
        var left = await Until(() => _api.Pods(Deployment), p => p.Count == 4, "the stopped pod to go");
        Assert.Equal(names.Except([stopped]).Order(), left.Select(p => p.Name).Order());
        Assert.False(provisioner.Owns(stopped));
        // Marked (draining, cheapest) before the replicas went down, so the ReplicaSet removed that pod and no other.
        var requests = _api.Requests;
        var mark = requests.ToList().FindLastIndex(r => r == $"PATCH /api/v1/namespaces/agents/pods/{stopped}");
        var scaleDown = requests.ToList().FindLastIndex(r => r == $"PUT /apis/apps/v1/namespaces/agents/deployments/{Deployment}/scale");
        Assert.True(mark >= 0 && mark < scaleDown, string.Join("\n", requests));
    }

    [Fact]
    public async Task A_scale_write_that_loses_a_race_reads_again_and_one_that_keeps_losing_fails_the_start_with_the_reason()
    {
        var provisioner = await ProvisionerWithoutSparesAsync();
        _api.ConflictNextScaleWrites(2);
        var name = await provisioner.StartAsync(Spec(), false, CancellationToken.None);
        Assert.Equal(3, _api.Replicas(Deployment));
        Assert.Equal(3, _api.Requests.Count(r => r.EndsWith("/scale", StringComparison.Ordinal) && r.StartsWith("PUT", StringComparison.Ordinal)));
        Assert.Contains(_api.LivePods(Deployment), p => p.Name == name);

        _api.ConflictNextScaleWrites(100);
        var failed = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.StartAsync(Spec(), false, CancellationToken.None));
        Assert.Contains("409", failed.Message);
        Assert.Contains("the object has been modified", failed.Message);
        _api.ConflictNextScaleWrites(0);
        Assert.Equal(3, _api.Replicas(Deployment));
    }

    [Fact]
    public async Task Without_the_permission_to_scale_a_start_fails_naming_what_is_missing_and_changes_nothing()
    {
        var provisioner = await ProvisionerWithoutSparesAsync();
        _api.Forbid("update", "deployments/scale");
        var failed = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.StartAsync(Spec(), false, CancellationToken.None));
        Assert.Contains("403", failed.Message);
        Assert.Contains("cannot update resource \"deployments/scale\"", failed.Message);
        Assert.Contains("rbac.yaml", failed.Message);
        Assert.Equal(2, _api.Replicas(Deployment));
        Assert.Equal(_base.Order(), _api.LivePods(Deployment).Select(p => p.Name).Order());
    }

    [Fact]
    public async Task When_no_pod_can_be_made_the_start_fails_with_the_deployments_reason_and_gives_the_replica_back()
    {
        var provisioner = await ProvisionerWithoutSparesAsync(TimeSpan.FromSeconds(2));
        _api.LimitPods(Deployment, 2);
        var failed = await Assert.ThrowsAsync<ProvisioningException>(() => provisioner.StartAsync(Spec(), false, CancellationToken.None));
        Assert.Contains("exceeded quota", failed.Message);
        Assert.Contains("agents/coordinator-agent", failed.Message);
        Assert.Equal(2, _api.Replicas(Deployment));
        Assert.Equal(_base.Order(), _api.LivePods(Deployment).Select(p => p.Name).Order());
    }

    [Fact]
    public async Task A_pod_deleted_behind_its_back_is_reported_and_the_replicasets_replacement_taken_in_as_its_successor()
    {
        var provisioner = await ProvisionerWithoutSparesAsync();
        var exited = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var adopted = new TaskCompletionSource<ProvisionedAgentSpec>(TaskCreationOptions.RunContinuationsAsynchronously);
        provisioner.Exited += id => exited.TrySetResult(id);
        ((IAgentProvisioner)provisioner).Adopted += spec => adopted.TrySetResult(spec); // as the ScalingManager subscribes
        var name = await provisioner.StartAsync(new ProvisionedAgentSpec { AgentId = "gpu-x", Labels = { ["profile"] = "gpu" } }, false, CancellationToken.None);
        Assert.Equal(3, _api.Replicas(Deployment));

        _api.DeletePod(name); // kubectl delete pod, an eviction, a node lost
        Assert.Equal(name, await exited.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(provisioner.IsRunning(name));
        var successor = await adopted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(name, successor.AgentId);
        Assert.Equal("gpu", successor.Labels["profile"]);
        Assert.True(provisioner.Owns(successor.AgentId));
        var pod = _api.LivePods(Deployment).Single(p => p.Name == successor.AgentId);
        Assert.Equal("coordinator", pod.Annotations[KubernetesProvisioner.OwnerAnnotation]);
        Assert.Equal("gpu", pod.Annotations[KubernetesProvisioner.ProfileAnnotation]);

        await provisioner.StopAsync(name, TimeSpan.Zero, CancellationToken.None); // the ScalingManager forgets the lost one
        Assert.Equal(3, _api.Replicas(Deployment)); // its successor holds the replica
        Assert.Equal(3, _api.LivePods(Deployment).Count);
    }

    [Fact]
    public async Task A_restarted_coordinator_adopts_its_own_pods_and_no_one_elses()
    {
        var first = Provisioner();
        var names = new[]
        {
            await first.StartAsync(Spec(), false, CancellationToken.None),
            await first.StartAsync(Spec(), false, CancellationToken.None),
        };
        await first.DisposeAsync();
        _provisioners.Remove(first);

        var other = await Provisioner(owner: "another").AdoptAsync(CancellationToken.None);
        Assert.Empty(other);

        var second = Provisioner();
        var adopted = await second.AdoptAsync(CancellationToken.None);
        Assert.Equal(names.Order(), adopted.Select(a => a.AgentId).Order());
        Assert.All(adopted, a => Assert.Equal("default", a.Labels["profile"]));

        await second.StopAsync(names[0], TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(1, _api.Replicas(Deployment));
        await Until(() => _api.Pods(Deployment).Select(p => p.Name).ToList(), p => p.SequenceEqual([names[1]]), "the stopped adopted pod to go");
    }
}
