namespace Coordinator.Provisioning;

/// <summary>Starts the configured (supervised) agents with the coordinator, and stops them with it.</summary>
public sealed class ProvisionedAgentsService(ProvisioningOptions options, IAgentProvisioner provisioner) : IHostedService
{
    /// <summary>How long a stopping agent may take to drain and unregister before it is killed.</summary>
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
            return;
        // Supervised agents a previous coordinator left running (containers) are kept, not started twice.
        var running = (await provisioner.AdoptAsync(cancellationToken)).Select(a => a.AgentId).ToHashSet(StringComparer.Ordinal);
        foreach (var spec in options.Agents.Where(a => !running.Contains(a.AgentId)))
            await provisioner.StartAsync(spec, supervised: true, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(options.Agents.Select(spec => provisioner.StopAsync(spec.AgentId, StopGrace, cancellationToken)));
}
