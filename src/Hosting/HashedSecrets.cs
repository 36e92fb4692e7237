using System.Security.Cryptography;
using System.Text;

namespace Coordinator.Hosting;

/// <summary>
/// Secrets configured as hashes (<c>sha256:</c> and the 64 hex digits of the secret's SHA-256; the secret itself is never
/// stored), each with what it stands for: API keys and their roles, agents' bootstrap tokens and their names.
/// </summary>
public sealed class HashedSecrets<T>(IEnumerable<(string Hash, T Value)> configured)
{
    readonly (byte[] Hash, T Value)[] _known = [.. configured.Select(c => (Convert.FromHexString(c.Hash[HashedSecret.Prefix.Length..]), c.Value))];

    public int Count => _known.Length;

    /// <summary>Whether <paramref name="secret"/> is one of these (compared in constant time with each), and what it stands for.</summary>
    public bool TryFind(string? secret, out T value)
    {
        value = default!;
        if (string.IsNullOrEmpty(secret))
            return false;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var found = false;
        foreach (var (known, candidate) in _known)
            if (CryptographicOperations.FixedTimeEquals(hash, known))
            {
                value = candidate;
                found = true;
            }
        return found;
    }
}

public static class HashedSecret
{
    public const string Prefix = "sha256:";

    /// <summary>The form of a configured hash, validated where it is configured.</summary>
    public const string Pattern = "^sha256:[0-9a-fA-F]{64}$";

    /// <summary>A new secret: 32 random bytes, URL-safe base64 (a key, a token, a password).</summary>
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
