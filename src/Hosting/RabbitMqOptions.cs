using System.ComponentModel.DataAnnotations;

namespace Coordinator.Hosting;

/// <summary>
/// Broker connection, section <c>RabbitMq</c>: one node (<see cref="Host"/>, <see cref="Port"/>), or a cluster's nodes
/// (<see cref="Nodes"/>), tried in order and failed over between; and the kind of queue the project declares.
/// </summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    [Required(AllowEmptyStrings = false)]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required(AllowEmptyStrings = false)]
    public string VirtualHost { get; set; } = "/";

    [Required(AllowEmptyStrings = false)]
    public string Username { get; set; } = "guest";

    [Required(AllowEmptyStrings = false)]
    public string Password { get; set; } = "guest";

    /// <summary>Management HTTP API port (used for queue inspection).</summary>
    [Range(1, 65535)]
    public int ManagementPort { get; set; } = 15672;

    /// <summary>AMQPS: connect over TLS (the broker's TLS listener, 5671 by RabbitMQ's convention, is <see cref="Port"/>).</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// With <see cref="UseTls"/>: a PEM file of the CA certificate(s) the broker's certificate must chain to, instead of the
    /// machine's trusted roots (a private CA). Unset: the machine's.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>With <see cref="UseTls"/>: the name the broker's certificate must carry. Unset: the host connected to.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Messages prefetched per consumer.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// A cluster's nodes (<c>RabbitMq:Nodes:0:Host</c>, <c>:Port</c>, <c>:ManagementPort</c>, ...): connections go to the first
    /// that answers and move to another when it is lost. Empty: the one node <see cref="Host"/>:<see cref="Port"/>.
    /// </summary>
    public List<BrokerNode> Nodes { get; set; } = [];

    /// <summary>
    /// The queues the coordinator and the agents declare: <see cref="BrokerQueueType.Classic"/> (one node; the default) or
    /// <see cref="BrokerQueueType.Quorum"/> (replicated over a cluster's nodes, kept while a majority of them runs).
    /// </summary>
    public BrokerQueueType QueueType { get; set; } = BrokerQueueType.Classic;

    public bool Quorum => QueueType == BrokerQueueType.Quorum;

    /// <summary>The nodes to connect to, in order: <see cref="Nodes"/>, or the one node.</summary>
    public IReadOnlyList<BrokerNode> Cluster =>
        Nodes.Count > 0 ? Nodes : [new BrokerNode { Host = Host, Port = Port, ManagementPort = ManagementPort }];

    /// <summary>
    /// The address of a queue another process declares and consumes (an agent's own queue). A classic one is declared again on
    /// the way (<c>queue:</c>), as before. A quorum one is reached through its exchange (<c>exchange:</c>, which that process binds
    /// to it): a send cannot declare a quorum queue, and the broker refuses a classic declaration of one.
    /// </summary>
    public Uri QueueAddress(string queue) => new(Quorum ? $"exchange:{queue}" : $"queue:{queue}");

    /// <summary>
    /// The settings an agent started by the coordinator needs to reach the same broker, as environment variables: as the
    /// agent's own broker user when it has one (<paramref name="user"/>), otherwise as this process's.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> AgentEnvironment(string? hostOverride = null, BrokerUser? user = null)
    {
        static KeyValuePair<string, string> Pair(string key, object value) =>
            new($"{Section}__{key}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
        yield return Pair(nameof(Host), hostOverride ?? Host);
        yield return Pair(nameof(Port), Port);
        yield return Pair(nameof(VirtualHost), VirtualHost);
        yield return Pair(nameof(Username), user?.Username ?? Username);
        yield return Pair(nameof(Password), user?.Password ?? Password);
        yield return Pair(nameof(ManagementPort), ManagementPort);
        yield return Pair(nameof(QueueType), QueueType);
        if (UseTls)
        {
            yield return Pair(nameof(UseTls), true);
            if (!string.IsNullOrWhiteSpace(CaCertificatePath))
                yield return Pair(nameof(CaCertificatePath), CaCertificatePath);
            if (!string.IsNullOrWhiteSpace(TlsServerName))
                yield return Pair(nameof(TlsServerName), TlsServerName);
        }
        for (var i = 0; i < Nodes.Count; i++)
        {
            yield return Pair($"{nameof(Nodes)}__{i}__{nameof(BrokerNode.Host)}", hostOverride ?? Nodes[i].Host);
            yield return Pair($"{nameof(Nodes)}__{i}__{nameof(BrokerNode.Port)}", Nodes[i].Port);
            yield return Pair($"{nameof(Nodes)}__{i}__{nameof(BrokerNode.ManagementPort)}", Nodes[i].ManagementPort);
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Nodes.Count; i++)
            foreach (var result in NestedValidation.Validate(Nodes[i], $"{nameof(Nodes)}:{i}"))
                yield return result;
        if (!string.IsNullOrWhiteSpace(CaCertificatePath) && !File.Exists(CaCertificatePath))
            yield return new ValidationResult($"names {CaCertificatePath}, which does not exist", [nameof(CaCertificatePath)]);
        if (Nodes.Select(n => (n.Host, n.Port)).Distinct().Count() < Nodes.Count)
            yield return new ValidationResult("lists one node twice (the same host and port)", [nameof(Nodes)]);
    }
}

/// <summary>One node of a RabbitMQ cluster.</summary>
public sealed class BrokerNode
{
    [Required(AllowEmptyStrings = false)]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>Its management HTTP API's port.</summary>
    [Range(1, 65535)]
    public int ManagementPort { get; set; } = 15672;

    public override string ToString() => $"{Host}:{Port}";
}

/// <summary>The kind of queue declared: classic (one node) or quorum (replicated; RabbitMQ 3.10's keep no priorities).</summary>
public enum BrokerQueueType
{
    Classic,
    Quorum,
}

/// <summary>A broker user's name and password (an agent's own, made by the coordinator).</summary>
public sealed record BrokerUser(string Username, string Password)
{
    public override string ToString() => Username; // never the password, in a log or an exception
}
