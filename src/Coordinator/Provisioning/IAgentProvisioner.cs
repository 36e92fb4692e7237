namespace Coordinator.Provisioning;

/// <summary>
/// Starts and stops agents the coordinator owns: as local processes today, as containers or pods behind the same
/// seam. Agents are either supervised (configured under <c>Provisioning:Agents</c>: restarted with backoff when
/// they exit or fail) or run for the ScalingManager, which replaces and stops them itself.
/// </summary>
public interface IAgentProvisioner
{
    /// <summary>Shown in /api/scaling: local, docker, kubernetes.</summary>
    string Name { get; }

    /// <summary>
    /// Whether its agents outlive a coordinator that stops (a Kubernetes Deployment's pods, which the next coordinator
    /// adopts): then a stopping coordinator leaves them running instead of stopping every agent it runs.
    /// </summary>
    bool KeepsAgentsWhenStopping => false;

    /// <summary>Whether this provisioner started (and may stop or restart) the agent.</summary>
    bool Owns(string agentId);

    /// <summary>Whether the agent's process still runs; null when this provisioner does not run it.</summary>
    bool? IsRunning(string agentId);

    /// <summary>Raised with the agent id when an agent's process exits without being asked to (a crash, a kill).</summary>
    event Action<string>? Exited;

    /// <summary>
    /// Raised when the platform replaced a lost agent by itself and the provisioner took the replacement in as owned (a
    /// Kubernetes ReplicaSet's new pod), with its spec: the ScalingManager counts it as one of its own. By default never
    /// raised: processes and containers are replaced by the coordinator, not by their platform.
    /// </summary>
    event Action<ProvisionedAgentSpec>? Adopted
    {
        add { }
        remove { }
    }

    /// <summary>
    /// Starts an agent. <paramref name="supervised"/>: restart it (with backoff) whenever it exits or fails. Returns the id
    /// the agent registers under: the spec's, or the name its platform gave it (a Kubernetes pod's). Throws
    /// <see cref="ProvisioningException"/> with the reason when the agent cannot be started.
    /// </summary>
    Task<string> StartAsync(ProvisionedAgentSpec spec, bool supervised, CancellationToken cancellationToken);

    /// <summary>
    /// A supervised agent failed: stop what is left of it and start it again, after a backoff that grows with
    /// repeated failures. A failure of an instance last heard before the current process started is old news
    /// (already restarted) and is ignored, and so is an agent that is not supervised.
    /// </summary>
    Task RestartAsync(string agentId, string reason, DateTimeOffset? lastHeard, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the agent and forgets it: asks it to stop (it drains and unregisters), waits up to <paramref name="grace"/>,
    /// then kills it.
    /// </summary>
    Task StopAsync(string agentId, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>
    /// Agents this provisioner finds running that a previous coordinator started (containers by their owner label, pods by
    /// their owner annotation), taken
    /// in as owned; returns their specs, with the labels they were started with. None for local processes.
    /// </summary>
    Task<IReadOnlyList<ProvisionedAgentSpec>> AdoptAsync(CancellationToken cancellationToken);
}
