using System.ComponentModel.DataAnnotations;
using Coordinator.Hosting;

namespace Coordinator.Agents.Identity;

/// <summary>
/// Section <c>AgentIdentity</c>: how the coordinator knows an agent's message is that agent's.
/// </summary>
public sealed class AgentIdentityOptions : IValidatableObject
{
    public const string Section = "AgentIdentity";

    /// <summary>
    /// <see cref="AgentIdentityMode.Broker"/>: each agent connects as its own broker user, <c>agent-{id}</c>, and a message that
    /// claims an agent is taken only from that user (or a trusted one). <see cref="AgentIdentityMode.Claimed"/>: the agent id a
    /// message carries is believed. Unset: Claimed in the Development environment, Broker in any other.
    /// </summary>
    public AgentIdentityMode? Mode { get; set; }

    /// <summary>
    /// Broker users whose messages may speak for any agent, besides this coordinator's own (<c>RabbitMq:Username</c>): other
    /// coordinators of the same fleet that connect as another user, say.
    /// </summary>
    public List<string> TrustedUsers { get; set; } = [];

    /// <summary>
    /// An agent's broker user is this and its id: <c>agent-</c> makes <c>agent-worker-1</c>. Users are the broker's, not a
    /// virtual host's: fleets that share a broker, each in its own virtual host, give each fleet a prefix of its own.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9._@-]{1,64}$", ErrorMessage = "must be 1 to 64 letters, digits, '.', '_', '@' or '-'")]
    public string UserPrefix { get; set; } = "agent-";

    /// <summary>
    /// Tokens an agent started elsewhere may present once at start (<c>Agent:BootstrapToken</c>) to get its own broker user
    /// (<c>POST /api/agents/{id}/enroll</c>), kept as hashes like API keys: <c>sha256:</c> and 64 hex digits. One token may
    /// serve a whole fleet of replicas; it never hands out the user of an agent that is live.
    /// </summary>
    public List<BootstrapTokenEntry> BootstrapTokens { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < BootstrapTokens.Count; i++)
            foreach (var result in Coordinator.Hosting.NestedValidation.Validate(BootstrapTokens[i], $"{nameof(BootstrapTokens)}:{i}"))
                yield return result;
    }
}

public sealed class BootstrapTokenEntry
{
    /// <summary>Whose it is (logged with each enrolment; never the token).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = "";

    [Required(AllowEmptyStrings = false)]
    [RegularExpression(HashedSecret.Pattern, ErrorMessage = "must be sha256: and the 64 hex digits of the token's SHA-256 (coordinator-cli keys new prints one)")]
    public string Hash { get; set; } = "";
}

public enum AgentIdentityMode
{
    Claimed,
    Broker,
}
