using System.ComponentModel.DataAnnotations;
using Coordinator.Hosting;

namespace Coordinator.Provisioning;

/// <summary>Section <c>Provisioning</c>: agents the coordinator starts itself (as local processes) and restarts when they fail.</summary>
public sealed class ProvisioningOptions : IValidatableObject
{
    public const string Section = "Provisioning";

    public bool Enabled { get; set; }

    /// <summary>
    /// How agents are run: <c>Local</c> (processes on this machine), <c>Docker</c> (containers on an engine) or
    /// <c>Kubernetes</c> (pods of an agent Deployment, scaled through its scale subresource).
    /// </summary>
    [RegularExpression("^(?i)(local|docker|kubernetes)$", ErrorMessage = "must be Local, Docker or Kubernetes")]
    public string Provider { get; set; } = "Local";

    public bool UsesDocker => string.Equals(Provider, "docker", StringComparison.OrdinalIgnoreCase);

    public bool UsesKubernetes => string.Equals(Provider, "kubernetes", StringComparison.OrdinalIgnoreCase);

    public DockerProvisionerOptions Docker { get; set; } = new();

    public KubernetesProvisionerOptions Kubernetes { get; set; } = new();

    /// <summary>Path of AgentWorker.dll; defaults to the one built beside this coordinator in the repository.</summary>
    public string? AgentWorkerDll { get; set; }

    /// <summary>Where each local agent's output goes, as <c>{AgentId}.log</c>; unset: discarded.</summary>
    public string? LogDirectory { get; set; }

    /// <summary>Agents to keep running, e.g. <c>Provisioning:Agents:0:AgentId = local-1</c>.</summary>
    public List<ProvisionedAgentSpec> Agents { get; set; } = [];

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RestartBackoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRestartBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a supervised agent waits before its next start: doubling with each failure in a row, up to the maximum.</summary>
    public TimeSpan RestartDelay(int failuresInARow)
    {
        var delay = RestartBackoff * Math.Pow(2, Math.Min(failuresInARow, 16));
        return delay < MaxRestartBackoff ? delay : MaxRestartBackoff;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Agents.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Agents[i].AgentId))
                yield return new ValidationResult("must not be empty", [$"Agents:{i}:AgentId"]);
        }
        if (Agents.Select(a => a.AgentId).Distinct().Count() != Agents.Count)
            yield return new ValidationResult("agent ids must be unique", [nameof(Agents)]);
        if (UsesDocker)
        {
            foreach (var result in NestedValidation.Validate(Docker, "Docker"))
                yield return result;
        }
        if (UsesKubernetes)
        {
            foreach (var result in NestedValidation.Validate(Kubernetes, "Kubernetes"))
                yield return result;
            if (Agents.Count > 0)
                yield return new ValidationResult(
                    "supervised agents cannot run on Kubernetes (its Deployments restart pods themselves): run them as a Deployment of their own",
                    [nameof(Agents)]);
        }
    }
}
