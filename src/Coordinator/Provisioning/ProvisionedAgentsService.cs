namespace Coordinator.Provisioning;

/// <summary>Starts the configured agents with the coordinator, and stops them with it.</summary>
public sealed class ProvisionedAgentsService(ProvisioningOptions options, IAgentProvisioner provisioner) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
            return;
        foreach (var spec in options.Agents)
            await provisioner.StartAsync(spec, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var spec in options.Agents)
            await provisioner.StopAsync(spec.AgentId, cancellationToken);
    }
}
