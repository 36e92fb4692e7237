using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using CoordinatorCli.Rendering;
using Spectre.Console;

namespace CoordinatorCli.Agents;

/// <summary>
/// `agents`: every agent the coordinator knows, with its load, usage and heartbeat age; `agents drain` and `agents fail`
/// act on one (the same API calls as the dashboard's buttons); `agents credentials` makes one's own broker user.
/// </summary>
public sealed class AgentsCommand(CliEnvironment environment, CommandRunner runner)
{
    public Command Build()
    {
        var command = new Command("agents", "List the agents; drain one, or declare one failed")
        {
            Drain(),
            Fail(),
            Credentials(),
        };
        command.SetAction((parseResult, cancellationToken) =>
            runner.RunAsync(parseResult, client => RunAsync(client, cancellationToken), cancellationToken));
        return command;
    }

    Command Drain()
    {
        var agentId = new Argument<string>("agent-id") { Description = "The agent to drain" };
        var command = new Command("drain", "Drain an agent: it finishes what it holds and is given nothing new") { agentId };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var id = parseResult.GetValue(agentId)!;
            await client.DrainAgentAsync(id, cancellationToken);
            environment.Out.WriteLine($"agent {id}: told to drain (it finishes what it holds and takes nothing new)");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    Command Fail()
    {
        var agentId = new Argument<string>("agent-id") { Description = "The agent to declare failed" };
        var reason = new Option<string>("--reason") { Description = "Why (kept as the agent's state reason)", DefaultValueFactory = _ => "declared failed by operator" };
        var command = new Command("fail", "Declare an agent failed: its work moves to other agents") { agentId, reason };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var id = parseResult.GetValue(agentId)!;
            var why = parseResult.GetValue(reason);
            if (string.IsNullOrWhiteSpace(why))
                throw new CliUsageException("--reason must not be empty");
            await client.DeclareAgentFailedAsync(id, why, cancellationToken);
            environment.Out.WriteLine($"agent {id}: declared failed ({why}); its work moves to other agents");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    Command Credentials()
    {
        var agentId = new Argument<string>("agent-id") { Description = "The agent to make a broker user for" };
        var command = new Command("credentials",
            "Make an agent's own broker user (or give it a new password) for an agent started elsewhere; prints the environment to start it with")
        {
            agentId,
        };
        command.SetAction((parseResult, cancellationToken) => runner.RunAsync(parseResult, async client =>
        {
            var id = parseResult.GetValue(agentId)!;
            var issued = await client.IssueAgentCredentialsAsync(id, cancellationToken);
            // Plain lines, so `export $(coordinator-cli agents credentials w1 | grep =)` works; the password is shown once.
            environment.Out.WriteLine($"# broker user {issued.GetProperty("username").GetString()} for agent {id} "
                                      + $"(virtual host {issued.GetProperty("virtualHost").GetString()}); the password is not shown again");
            foreach (var line in issued.GetProperty("environment").EnumerateArray())
                environment.Out.WriteLine(line.GetString() ?? "");
            environment.Out.WriteLine($"Agent__AgentId={id}");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(CoordinatorClient client, CancellationToken cancellationToken)
    {
        var agents = await client.ListAgentsAsync(cancellationToken);
        var console = environment.Out;
        if (agents.Count == 0)
        {
            console.WriteLine("no agents registered");
            return ExitCodes.Success;
        }

        var now = environment.Time.GetUtcNow();
        var table = new Table()
            .AddColumn("Agent").AddColumn("State").AddColumn("Capabilities")
            .AddColumn(new TableColumn("Tasks").RightAligned()).AddColumn(new TableColumn("CPU").RightAligned())
            .AddColumn(new TableColumn("Memory").RightAligned()).AddColumn("Heartbeat");
        foreach (var agent in agents.OrderBy(a => a.AgentId, StringComparer.Ordinal))
        {
            var usage = agent.Health?.Usage;
            table.AddRow(
                Markup.Escape(agent.AgentId),
                Display.Status(agent.State),
                Display.Escape(agent.Capabilities is { Count: > 0 } c ? string.Join(", ", c) : null),
                $"{agent.ActiveTasks}/{agent.MaxConcurrentTasks}",
                usage is null ? "-" : $"{Display.Number(usage.CpuPercent)}%",
                Memory(usage?.MemoryMb, agent.Resources?.MemoryMb),
                Display.Age(agent.LastHeartbeat, now));
        }

        var byState = agents.GroupBy(a => a.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        table.Caption($"{agents.Count} agent(s): {string.Join(", ", byState)}");
        console.Write(table);
        return ExitCodes.Success;
    }

    static string Memory(double? usedMb, double? limitMb) => (usedMb, limitMb) switch
    {
        (null, null) => "-",
        ({ } used, { } limit) when limit > 0 => $"{Display.Number(used)}/{Display.Number(limit)} MB",
        ({ } used, _) => $"{Display.Number(used)} MB",
        (null, { } limit) => $"-/{Display.Number(limit)} MB",
    };
}
