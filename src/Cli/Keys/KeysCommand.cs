using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using CoordinatorCli.Hosting;
using Spectre.Console;

namespace CoordinatorCli.Keys;

/// <summary>
/// `keys new`: makes an API key for the coordinator (32 random bytes) and prints it once, with the hash to configure
/// (<c>Api:Keys</c>); the coordinator keeps only the hash. Needs no coordinator.
/// </summary>
public sealed class KeysCommand(CliEnvironment environment)
{
    public Command Build()
    {
        var name = new Option<string>("--name") { Description = "Who holds the key (logged with what it does)", DefaultValueFactory = _ => "operator" };
        var role = new Option<string>("--role")
        {
            Description = "read (reads only), operator (also submits, cancels, drains, scales), or agent-bootstrap (a token agents started elsewhere enrol with)",
            DefaultValueFactory = _ => "operator",
        };
        role.AcceptOnlyFromAmong("read", "operator", "agent-bootstrap");
        var index = new Option<int>("--index") { Description = "Its place in Api:Keys (for the environment-variable form)", DefaultValueFactory = _ => 0 };
        var create = new Command("new", "Make a new API key; prints the key (give it to its holder) and the configuration that admits it")
        {
            name, role, index,
        };
        create.SetAction(parseResult =>
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            var holder = parseResult.GetValue(name)!;
            var i = parseResult.GetValue(index);
            if (parseResult.GetValue(role) == "agent-bootstrap")
            {
                environment.Out.WriteLine($"token:  {key}");
                environment.Out.WriteLine("        (shown once; start each agent with Agent__BootstrapToken=<token> and Agent__CoordinatorUrl=<the API's address>)");
                environment.Out.WriteLine();
                environment.Out.WriteLine("Configure the coordinator with its hash, as environment variables:");
                environment.Out.WriteLine($"  AgentIdentity__BootstrapTokens__{i}__Name={holder}");
                environment.Out.WriteLine($"  AgentIdentity__BootstrapTokens__{i}__Hash={hash}");
                return ExitCodes.Success;
            }
            var roleName = parseResult.GetValue(role) == "read" ? "Read" : "Operator";
            environment.Out.WriteLine($"key:  {key}");
            environment.Out.WriteLine("      (shown once; send it as the X-Api-Key header, COORDINATOR_API_KEY for this CLI, or at the dashboard's /login)");
            environment.Out.WriteLine();
            environment.Out.WriteLine("Configure the coordinator with its hash, as environment variables:");
            environment.Out.WriteLine($"  Api__Keys__{i}__Name={holder}");
            environment.Out.WriteLine($"  Api__Keys__{i}__Role={roleName}");
            environment.Out.WriteLine($"  Api__Keys__{i}__Hash={hash}");
            environment.Out.WriteLine("or in appsettings.json:");
            environment.Out.WriteLine($$"""  "Api": { "Keys": [ { "Name": "{{holder}}", "Role": "{{roleName}}", "Hash": "{{hash}}" } ] }""");
            return ExitCodes.Success;
        });
        return new Command("keys", "API keys for the coordinator's HTTP API and dashboard") { create };
    }
}
