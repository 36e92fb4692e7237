namespace Coordinator.Testing.Fleet;

/// <summary>How many simulated agents, where their broker is, and how they behave.</summary>
public sealed record FleetSimulatorOptions
{
    public string Host { get; init; } = BrokerManagement.Host;
    public int Port { get; init; } = 5672;
    public string VirtualHost { get; init; } = "/";
    public string Username { get; init; } = "guest";
    public string Password { get; init; } = "guest";

    /// <summary>Agent ids are <c>{Prefix}-{n}</c>, n from 1.</summary>
    public string Prefix { get; init; } = "sim";

    public int Agents { get; init; } = 100;
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    public IReadOnlyList<string> Capabilities { get; init; } = ["echo", "sleep"];
    public int Concurrency { get; init; } = 4;

    /// <summary>Agents sharing one AMQP connection, each on a channel of its own (the broker allows 2,047 per connection).</summary>
    public int AgentsPerConnection { get; init; } = 200;

    /// <summary>A live agent re-confirms its registration this often, beside a heartbeat, as AgentWorker does (every 60 intervals).</summary>
    public TimeSpan RegistrationRefresh { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Registrations sent per second at start, so a fleet arrives as a fleet does, not as one burst.</summary>
    public int RegistrationsPerSecond { get; init; } = 500;
}
