namespace Coordinator.AgentWorker.Sdk;

public static class TaskHandlerRegistration
{
    public static IServiceCollection AddTaskHandler<THandler>(this IServiceCollection services)
        where THandler : class, ITaskHandler =>
        services.AddSingleton<ITaskHandler, THandler>();
}
