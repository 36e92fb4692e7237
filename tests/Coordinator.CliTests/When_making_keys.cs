using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

/// <summary>`keys new`: a key (or an agents' bootstrap token) shown once, and the hash that admits it; no coordinator needed.</summary>
public class When_making_keys
{
    readonly TestCli cli = new();

    static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public async Task An_operator_key_comes_with_the_api_settings_of_its_hash()
    {
        var run = await cli.RunAsync("keys", "new", "--name", "ops", "--role", "operator");

        Assert.Equal(0, run.ExitCode);
        var key = Regex.Match(run.Out, @"key:\s+(\S+)").Groups[1].Value;
        Assert.Contains($"Api__Keys__0__Hash={Hash(key)}", run.Out);
        Assert.Contains("Api__Keys__0__Role=Operator", run.Out);
        Assert.Empty(cli.Coordinator.Requests);
    }

    [Fact]
    public async Task An_agent_bootstrap_token_comes_with_the_agent_identity_settings_of_its_hash()
    {
        var run = await cli.RunAsync("keys", "new", "--name", "fleet", "--role", "agent-bootstrap", "--index", "1");

        Assert.Equal(0, run.ExitCode);
        var token = Regex.Match(run.Out, @"token:\s+(\S+)").Groups[1].Value;
        Assert.True(token.Length >= 40, run.Out);
        Assert.Contains("AgentIdentity__BootstrapTokens__1__Name=fleet", run.Out);
        Assert.Contains($"AgentIdentity__BootstrapTokens__1__Hash={Hash(token)}", run.Out);
        Assert.Contains("Agent__BootstrapToken", run.Out);
        Assert.DoesNotContain("Api__Keys", run.Out);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_naming_the_choices()
    {
        var run = await cli.RunAsync("keys", "new", "--role", "admin");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("agent-bootstrap", run.Error + run.Out);
    }
}
