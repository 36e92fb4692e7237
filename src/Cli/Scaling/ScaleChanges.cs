using System.CommandLine;
using CoordinatorCli.Api;
using CoordinatorCli.Hosting;
using Spectre.Console;

namespace CoordinatorCli.Scaling;

/// <summary>What `scaling up` and `scaling down` share: the count they take and how they report the change.</summary>
public static class ScaleChanges
{
    /// <summary>The count argument, which must be 1 or more; the coordinator checks it against its maximum.</summary>
    public static int ReadCount(ParseResult parseResult, Argument<int> count)
    {
        var value = parseResult.GetRequiredValue(count);
        return value >= 1 ? value : throw new CliUsageException($"<count> must be 1 or more, got {value}");
    }

    /// <summary>"started 2 agent(s): id, id" then the reason; in yellow when the coordinator did nothing.</summary>
    public static void Write(IAnsiConsole console, ScalingChange change, string done, string none)
    {
        if (change.AgentIds.Count == 0)
        {
            console.MarkupLine($"[yellow]{none}[/]");
        }
        else
        {
            console.MarkupLine($"{done} {change.AgentIds.Count} agent(s): {Markup.Escape(string.Join(", ", change.AgentIds))}");
        }

        console.MarkupLine($"reason: {Markup.Escape(string.IsNullOrEmpty(change.Reason) ? "-" : change.Reason)}");
    }
}
