using Coordinator.Hosting;

namespace Coordinator.Api.Security;

/// <summary>
/// Outside the Development environment the coordinator does not start on defaults anyone could guess: not as RabbitMQ's
/// <c>guest</c>/<c>guest</c>, and not with an API that has no key unless <c>Api:OpenTo</c> says so on purpose. The message
/// names each setting to change.
/// </summary>
public static class DefaultCredentials
{
    public static IReadOnlyList<string> Problems(RabbitMqOptions broker, ApiSecurityOptions api, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
            return [];
        var problems = new List<string>();
        if (broker.Username == "guest" && broker.Password == "guest")
            problems.Add("RabbitMq:Username and RabbitMq:Password are RabbitMQ's default guest/guest: give the coordinator a broker user "
                         + "of its own (RabbitMq__Username, RabbitMq__Password; it needs the administrator tag to make agents' users)");
        if (api.Keys.Count == 0 && api.OpenTo is null)
            problems.Add("Api:Keys is empty, so no one could use the API: add a key (coordinator-cli keys new prints the Api__Keys__0__* "
                         + "settings), or set Api:OpenTo (Loopback, Everyone) to open it without one on purpose");
        return problems;
    }

    /// <summary>Throws, naming every problem, when there is one (the host logs it and exits with 1).</summary>
    public static void Check(IServiceProvider services)
    {
        var problems = Problems(services.GetRequiredService<RabbitMqOptions>(), services.GetRequiredService<ApiSecurityOptions>(),
            services.GetRequiredService<IHostEnvironment>());
        if (problems.Count > 0)
            throw new InvalidOperationException(
                $"refusing to start outside Development ({services.GetRequiredService<IHostEnvironment>().EnvironmentName}) on default credentials: "
                + string.Join("; ", problems));
    }
}
