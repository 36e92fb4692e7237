using System.Security.Cryptography;
using System.Text;

namespace Coordinator.Agents.Identity;

/// <summary>
/// The bootstrap tokens of <see cref="AgentIdentityOptions.BootstrapTokens"/>: an agent started elsewhere presents one in the
/// <see cref="Header"/> header of <c>POST /api/agents/{id}/enroll</c> and gets its own broker user (the API key check lets
/// that one route through; the token is its check).
/// </summary>
public sealed class AgentEnrollment(AgentIdentityOptions options)
{
    public const string Header = "X-Agent-Bootstrap-Token";

    readonly List<(string Name, byte[] Hash)> _tokens = [.. options.BootstrapTokens.Select(t => (t.Name, Convert.FromHexString(t.Hash["sha256:".Length..])))];

    /// <summary>The token's name when it is one of ours (compared in constant time), otherwise null.</summary>
    public string? Find(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        string? found = null;
        foreach (var (name, known) in _tokens)
            if (CryptographicOperations.FixedTimeEquals(hash, known))
                found = name;
        return found;
    }

    /// <summary><c>POST /api/agents/{id}/enroll</c>: authenticated by its bootstrap token, not by an API key.</summary>
    public static bool IsEnrollment(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Value is { } path
        && path.StartsWith("/api/agents/", StringComparison.Ordinal) && path.EndsWith("/enroll", StringComparison.Ordinal)
        && path.Count(c => c == '/') == 4;
}
