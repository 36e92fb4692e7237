using Coordinator.Contracts;
using Coordinator.Hosting;

namespace Coordinator.Agents.Identity;

/// <summary>
/// Whether a message that speaks for an agent comes from that agent: the AMQP <c>user_id</c> it carries (which RabbitMQ refuses
/// unless it is the publishing connection's own user) must be the agent's broker user, <c>agent-{id}</c> (<see cref="AgentIdentityOptions.UserPrefix"/>), or a trusted user
/// (this coordinator's, and <see cref="AgentIdentityOptions.TrustedUsers"/>). In <see cref="AgentIdentityMode.Claimed"/> mode
/// every message passes.
/// </summary>
public sealed class AgentIdentityCheck
{
    readonly HashSet<string> _trusted;
    readonly string _prefix;

    public AgentIdentityCheck(AgentIdentityOptions options, RabbitMqOptions broker, IHostEnvironment environment)
    {
        Mode = options.Mode ?? (environment.IsDevelopment() ? AgentIdentityMode.Claimed : AgentIdentityMode.Broker);
        _trusted = new HashSet<string>(options.TrustedUsers.Append(broker.Username), StringComparer.Ordinal);
        _prefix = options.UserPrefix;
    }

    /// <summary>The broker user of an agent: <see cref="AgentIdentityOptions.UserPrefix"/> and its id.</summary>
    public string UserOf(string agentId) => _prefix + agentId;

    public AgentIdentityMode Mode { get; }

    public bool Enforced => Mode == AgentIdentityMode.Broker;

    /// <summary>Null when the message may be taken; otherwise why not, naming the user and the agent.</summary>
    public string? Refuse(string? userId, string? claimedAgentId)
    {
        if (!Enforced)
            return null;
        if (string.IsNullOrEmpty(userId))
            return claimedAgentId is null
                ? "it carries no user_id: agent messages must come from an agent's own broker user"
                : $"it claims agent '{claimedAgentId}' but carries no user_id: it must come from broker user '{UserOf(claimedAgentId)}'";
        if (_trusted.Contains(userId))
            return null;
        if (claimedAgentId is null)
            return $"broker user '{userId}' sent a message that speaks for no agent, which only the coordinator may send";
        return userId == UserOf(claimedAgentId)
            ? null
            : $"broker user '{userId}' claims agent '{claimedAgentId}', whose user is '{UserOf(claimedAgentId)}'";
    }

    /// <summary>
    /// What an agent's broker user may do, as RabbitMQ's three regular expressions: declare and use its own queue and the queue
    /// its requests are answered on (and their exchanges), declare and publish to the exchanges agents send to, read nothing else.
    /// Its queue's name is exact (an agent id holds letters, digits, '.', '_' and '-', and only '.' needs escaping).
    /// </summary>
    public static (string Configure, string Write, string Read) PermissionsOf(string agentId)
    {
        var own = $"{Escape(EntityNames.AgentQueue(agentId))}|{Escape(EntityNames.AgentResponses(agentId))}";
        var sends = string.Join('|', new[] { EntityNames.AgentControl, EntityNames.Heartbeats, EntityNames.TaskEvents }.Select(Escape));
        return ($"^({own}|{sends})$", $"^({own}|{sends})$", $"^({own})$");
    }

    static string Escape(string name) => name.Replace(".", "\\.", StringComparison.Ordinal);
}
