using Coordinator.Hosting;

namespace Coordinator.Agents.Identity;

/// <summary>
/// The bootstrap tokens of <see cref="AgentIdentityOptions.BootstrapTokens"/>: an agent started elsewhere presents one in the
/// <see cref="Header"/> header of <c>POST /api/agents/{id}/enroll</c> and gets its own broker user (the API key check lets
/// that one route through; the token is its check).
/// </summary>
public sealed class AgentEnrollment(AgentIdentityOptions options)
{
    public const string Header = "X-Agent-Bootstrap-Token";

    readonly HashedSecrets<string> _tokens = new(options.BootstrapTokens.Select(t => (t.Hash, t.Name)));

    /// <summary>The token's name when it is one of ours (compared in constant time), otherwise null.</summary>
    public string? Find(string? token) => _tokens.TryFind(token, out var name) ? name : null;

    /// <summary><c>POST /api/agents/{id}/enroll</c>: authenticated by its bootstrap token, not by an API key.</summary>
    public static bool IsEnrollment(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value is { } path
        && path.StartsWith("/api/agents/", StringComparison.Ordinal) && path.EndsWith("/enroll", StringComparison.Ordinal)
        && path.Count(c => c == '/') == 4;
}
