using Coordinator.Hosting;

namespace Coordinator.Provisioning;

public static class ProvisioningRegistration
{
    public static IServiceCollection AddAgentProvisioning(this IServiceCollection services)
    {
        services.AddValidatedOptions<ProvisioningOptions>(ProvisioningOptions.Section);
        services.AddSingleton<LocalProcessProvisioner>();
        services.AddSingleton<IAgentProvisioner>(sp => sp.GetRequiredService<LocalProcessProvisioner>());
        services.AddHostedService<ProvisionedAgentsService>();
        return services;
    }
}
