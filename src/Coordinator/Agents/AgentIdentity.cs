using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Coordinator.Agents;

/// <summary>Agent ids are operator-friendly strings; the saga key is a stable Guid derived from one.</summary>
public static partial class AgentIdentity
{
    /// <summary>Letters, digits, '.', '_' and '-', 1 to 64 characters, starting with a letter or digit (it becomes a queue name).</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex ValidId();

    /// <summary>Why <paramref name="agentId"/> is not an agent id, or null when it is one.</summary>
    public static string? Problem(string agentId) => ValidId().IsMatch(agentId)
        ? null
        : $"'{agentId}' is not an agent id: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>A name-based (version 5 style) Guid: the same id always maps to the same saga.</summary>
    public static Guid CorrelationIdOf(string? agentId)
    {
        var bytes = SHA1.HashData(Encoding.UTF8.GetBytes("coordinator/agent/" + (agentId ?? "")));
        var guid = new byte[16];
        Array.Copy(bytes, guid, 16);
        guid[6] = (byte)((guid[6] & 0x0F) | 0x50);
        guid[8] = (byte)((guid[8] & 0x3F) | 0x80);
        return new Guid(guid, bigEndian: true);
    }
}
