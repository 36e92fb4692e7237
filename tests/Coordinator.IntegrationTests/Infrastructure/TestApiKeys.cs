using System.Security.Cryptography;
using System.Text;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>A read key and an operator key of the test's own, and the coordinator settings that admit only them (Api:OpenTo=Nobody).</summary>
public static class TestApiKeys
{
    public static readonly string Read = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    public static readonly string Operator = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>New each time: a test may add its own settings to it.</summary>
    public static Dictionary<string, string> Settings() => new()
    {
        ["Api__OpenTo"] = "Nobody",
        ["Api__Keys__0__Name"] = "watcher", ["Api__Keys__0__Role"] = "Read", ["Api__Keys__0__Hash"] = Hash(Read),
        ["Api__Keys__1__Name"] = "admin", ["Api__Keys__1__Role"] = "Operator", ["Api__Keys__1__Hash"] = Hash(Operator),
    };
}
