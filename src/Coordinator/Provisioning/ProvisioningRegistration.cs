using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.Provisioning;

public static class ProvisioningRegistration
{
    public static IServiceCollection AddAgentProvisioning(this IServiceCollection services)
    {
        services.AddValidatedOptions<ProvisioningOptions>(ProvisioningOptions.Section);
        services.AddSingleton<LocalProcessProvisioner>();
        services.AddSingleton<DockerProvisioner>();
        services.AddSingleton<KubernetesProvisioner>();
        services.AddSingleton<IAgentProvisioner>(sp => sp.GetRequiredService<ProvisioningOptions>() switch
        {
            { UsesDocker: true } => sp.GetRequiredService<DockerProvisioner>(),
            { UsesKubernetes: true } => sp.GetRequiredService<KubernetesProvisioner>(),
            _ => sp.GetRequiredService<LocalProcessProvisioner>(),
        });
        services.AddSingleton<ProvisionedAgentsService>();
        services.AddHostedService(sp => sp.GetRequiredService<ProvisionedAgentsService>());
        services.AddSingleton<Ownership.IOwnerActivation>(sp => sp.GetRequiredService<ProvisionedAgentsService>());
        return services;
    }

    /// <summary>Provisioning's consumer of the fleet's events (on <c>coordinator.fleet</c>): failed supervised agents restarted.</summary>
    public static IBusRegistrationConfigurator AddProvisioningConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SupervisedAgentFailedConsumer>().ExcludeFromConfigureEndpoints();
        return x;
    }
}
