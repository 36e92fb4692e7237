using System.ComponentModel.DataAnnotations;

namespace Coordinator.Provisioning;

/// <summary><c>Provisioning:Docker</c>: where the engine is and how agent containers are made.</summary>
public sealed class DockerProvisionerOptions
{
    /// <summary>The engine's API: a unix socket, or tcp://host:port.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Endpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>The agent worker image (scripts/build-images.sh tags coordinator-local/agent:latest).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Image { get; set; } = "coordinator-local/agent:latest";

    /// <summary>The network agent containers join: <c>host</c>, <c>bridge</c>, or a compose network's name.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Network { get; set; } = "host";

    /// <summary>The broker's host name as the containers see it; null: the coordinator's own RabbitMq:Host.</summary>
    public string? BrokerHost { get; set; }

    /// <summary>The value of the <c>coordinator.owner</c> label: which coordinator's containers these are (adopted on restart).</summary>
    [Required(AllowEmptyStrings = false), RegularExpression("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    public string Owner { get; set; } = "coordinator";

    /// <summary>Containers are named <c>{ContainerPrefix}-{agentId}</c>.</summary>
    [Required(AllowEmptyStrings = false), RegularExpression("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    public string ContainerPrefix { get; set; } = "coordinator-agent";
}
