using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Coordinator.Provisioning;

/// <summary><c>Provisioning:Kubernetes</c>: which API server, and which Deployment runs the agents of each profile.</summary>
public sealed partial class KubernetesProvisionerOptions : IValidatableObject
{
    /// <summary>
    /// The API server's URL; unset: the pod's service account (in a cluster), else the current context of the kubeconfig
    /// (<c>KUBECONFIG</c> or <c>~/.kube/config</c>).
    /// </summary>
    [Url]
    public string? ApiServer { get; set; }

    /// <summary>A bearer token for <see cref="ApiServer"/> (the service account's is used in a cluster).</summary>
    public string? Token { get; set; }

    /// <summary>The namespace of the agent Deployments; unset: the pod's own namespace (in a cluster), else <c>default</c>.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ErrorMessage = "must be a Kubernetes namespace name (lower-case letters, digits, '-')")]
    public string? Namespace { get; set; }

    /// <summary>The agent Deployment of every profile not named in <see cref="Deployments"/>.</summary>
    [Required(AllowEmptyStrings = false), RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", ErrorMessage = "must be a Kubernetes object name")]
    public string Deployment { get; set; } = "coordinator-agent";

    /// <summary>A Deployment per scaling profile, e.g. <c>Provisioning:Kubernetes:Deployments:gpu = coordinator-agent-gpu</c>.</summary>
    public Dictionary<string, string> Deployments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The value of the pods' <c>coordinator/owner</c> annotation: which coordinator's pods these are (adopted on restart).</summary>
    [Required(AllowEmptyStrings = false), RegularExpression("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    public string Owner { get; set; } = "coordinator";

    /// <summary>How long a start waits for the ReplicaSet to create the new pod before it gives the replica back.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan PodWaitTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the agent pods are listed to notice one that is gone (deleted, evicted) without being asked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public string DeploymentFor(string? profile) =>
        profile is not null && Deployments.TryGetValue(profile, out var name) ? name : Deployment;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (profile, name) in Deployments)
        {
            if (!ObjectName().IsMatch(name ?? ""))
                yield return new ValidationResult($"'{name}' is not a Kubernetes object name", [$"Deployments:{profile}"]);
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex ObjectName();
}
