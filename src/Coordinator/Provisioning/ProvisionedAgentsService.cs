namespace Coordinator.Provisioning;

/// <summary>
/// Starts the configured (supervised) agents when this coordinator becomes the owner of the task path (a standby starts
/// none), and stops them with it.
/// </summary>
public sealed class ProvisionedAgentsService(ProvisioningOptions options, IAgentProvisioner provisioner) : IHostedService, Ownership.IOwnerActivation
{
    bool _started;

    public int Order => 40;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>How long a stopping agent may take to drain and unregister before it is killed.</summary>
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
            return;
        _started = true;
        // Supervised agents a previous coordinator left running (containers) are kept, not started twice.
        var running = (await provisioner.AdoptAsync(cancellationToken)).Select(a => a.AgentId).ToHashSet(StringComparer.Ordinal);
        foreach (var spec in options.Agents.Where(a => !running.Contains(a.AgentId)))
            await provisioner.StartAsync(spec, supervised: true, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => !_started ? Task.CompletedTask
        : Task.WhenAll(options.Agents.Select(spec => provisioner.StopAsync(spec.AgentId, StopGrace, cancellationToken)));
}
