using Coordinator.Provisioning;
using k8s;
using k8s.Models;

namespace Coordinator.UnitTests.Provisioning;

/// <summary>
/// deploy/kubernetes read strictly as API objects: KubernetesClient's models are generated from the API's OpenAPI schema,
/// so a misspelt or misplaced field, or a value of the wrong type, fails here as the API server would refuse it. (What the
/// server checks beyond the schema, such as admission and defaults, is not.)
/// </summary>
public sealed class Kubernetes_manifests
{
    static readonly string Root = Path.Combine(FindRepository(), "deploy", "kubernetes");

    static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Coordinator.sln")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException("the repository (Coordinator.sln) above " + AppContext.BaseDirectory);
    }

    static List<object> Objects() => Directory.GetFiles(Root, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order()
        .SelectMany(f =>
        {
            try
            {
                return KubernetesYaml.LoadAllFromString(File.ReadAllText(f), strict: true);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{Path.GetFileName(f)} is not a valid Kubernetes object: {ex.Message}", ex);
            }
        }).ToList();

    [Fact]
    public void Every_manifest_is_a_valid_api_object()
    {
        var objects = Objects();
        Assert.Equal(10, objects.Count);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(o));
    }

    [Fact]
    public void An_unknown_field_is_refused()
    {
        const string misspelt = "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec:\n  replica: 2\n";
        Assert.Single(KubernetesYaml.LoadAllFromString(misspelt, strict: false)); // read leniently, it passes
        var refused = Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));
        Assert.Contains("replica", refused.Message);
    }

    [Fact]
    public void The_coordinators_role_grants_what_the_kubernetes_provisioner_uses()
    {
        var objects = Objects();
        var account = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "coordinator").Spec.Template.Spec.ServiceAccountName;
        var roles = objects.OfType<V1RoleBinding>().Where(b => b.Subjects.Any(s => s.Name == account)).Select(b => b.RoleRef.Name).ToHashSet();
        var rules = objects.OfType<V1Role>().Where(r => roles.Contains(r.Metadata.Name)).SelectMany(r => r.Rules).ToList();
        foreach (var (group, resource, verb) in KubernetesProvisioner.Permissions)
        {
            Assert.True(rules.Any(r => r.ApiGroups.Contains(group) && r.Resources.Contains(resource) && r.Verbs.Contains(verb)),
                $"the service account {account} may not {verb} {resource} (group '{group}')");
        }
        var granted = rules.SelectMany(r => r.Resources.SelectMany(res => r.Verbs.Select(v => (res, v)))).ToHashSet();
        Assert.Equal(KubernetesProvisioner.Permissions.Select(p => (p.Resource, p.Verb)).ToHashSet(), granted); // and nothing more
    }

    [Fact]
    public void The_agent_deployment_names_each_agent_after_its_pod_and_leaves_its_replicas_to_the_coordinator()
    {
        var agents = Objects().OfType<V1Deployment>().Single(d => d.Metadata.Name == new KubernetesProvisionerOptions().Deployment);
        Assert.Null(agents.Spec.Replicas);
        var id = agents.Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "Agent__AgentId");
        Assert.Equal("metadata.name", id.ValueFrom.FieldRef.FieldPath);
        Assert.True(agents.Spec.Template.Spec.TerminationGracePeriodSeconds > 30, "long enough for the worker to drain and unregister");
    }

    [Fact]
    public void The_agent_pods_hold_a_bootstrap_token_and_no_broker_or_database_password()
    {
        var objects = Objects();
        var agents = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == new KubernetesProvisionerOptions().Deployment);
        var secrets = agents.Spec.Template.Spec.Containers.Single().EnvFrom.Where(e => e.SecretRef is not null).Select(e => e.SecretRef.Name).ToList();
        var keys = objects.OfType<V1Secret>().Where(s => secrets.Contains(s.Metadata.Name)).SelectMany(s => s.StringData.Keys).ToList();
        Assert.Contains("Agent__BootstrapToken", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("RabbitMq__", StringComparison.Ordinal) || k.StartsWith("Database__", StringComparison.Ordinal));
        var coordinatorSecrets = objects.OfType<V1Secret>().Single(s => s.Metadata.Name == "coordinator-secrets").StringData.Keys;
        Assert.Contains("AgentIdentity__BootstrapTokens__0__Hash", coordinatorSecrets);
        var config = objects.OfType<V1ConfigMap>().Single().Data;
        Assert.False(config.ContainsKey("AgentIdentity__Mode"), "the manifests run the default outside Development, Broker");
        Assert.Equal("http://coordinator:5080", config["Agent__CoordinatorUrl"]);
    }
}
