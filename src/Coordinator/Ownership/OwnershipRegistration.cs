using Coordinator.Hosting;
using MassTransit;
using Quartz;

namespace Coordinator.Ownership;

public static class OwnershipRegistration
{
    /// <summary>
    /// The task path's owner: the lease, the service that takes and keeps it, the owner's endpoints and the veto on jobs.
    /// Registered before the bus, so that it stops after it: the lease goes only once nothing here consumes.
    /// </summary>
    public static IServiceCollection AddTaskPathOwnership(this IServiceCollection services)
    {
        services.AddValidatedOptions<OwnershipOptions>(OwnershipOptions.Section);
        services.AddSingleton<TaskPathOwnership>();
        services.AddSingleton<LeaseStore>();
        services.AddSingleton<OwnerEndpoints>();
        services.AddSingleton<IOwnerActivation>(sp => sp.GetRequiredService<OwnerEndpoints>());
        services.AddOwnerActivation<PreviousOwnerCutOff>();
        services.AddHostedService<OwnershipService>();
        services.AddQuartz(q => q.AddTriggerListener<OwnerOnlyJobs>());
        return services;
    }

    /// <summary>A queue only the owner consumes (see <see cref="OwnerEndpoints"/>).</summary>
    public static IServiceCollection AddOwnerEndpoint(this IServiceCollection services, string queue,
        Action<IBusRegistrationContext, IReceiveEndpointConfigurator> configure) =>
        services.AddSingleton(new OwnerEndpoint(queue, configure));

    /// <summary>Something to do when this coordinator becomes the owner, before its queues are consumed.</summary>
    public static IServiceCollection AddOwnerActivation<T>(this IServiceCollection services) where T : class, IOwnerActivation =>
        services.AddSingleton<IOwnerActivation, T>();
}
