namespace Coordinator.Provisioning;

/// <summary>
/// Starts and stops agents the coordinator owns. The local-process provisioner is the first; scaling
/// will add others (containers, Kubernetes) behind the same interface.
/// </summary>
public interface IAgentProvisioner
{
    /// <summary>Whether this provisioner started (and so may restart) the agent.</summary>
    bool Owns(string agentId);

    Task StartAsync(ProvisionedAgentSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// The agent failed: stop what is left of it and start it again, after a backoff that grows with
    /// repeated failures. A failure of an instance last heard before the current process started is
    /// old news (already restarted) and is ignored.
    /// </summary>
    Task RestartAsync(string agentId, string reason, DateTimeOffset? lastHeard, CancellationToken cancellationToken);

    Task StopAsync(string agentId, CancellationToken cancellationToken);
}
