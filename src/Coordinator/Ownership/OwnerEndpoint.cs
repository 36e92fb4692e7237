using MassTransit;

namespace Coordinator.Ownership;

/// <summary>A queue only the owner of the task path consumes: its name and how its endpoint is configured.</summary>
public sealed record OwnerEndpoint(string Queue, Action<IBusRegistrationContext, IReceiveEndpointConfigurator> Configure);
