using System.Text.RegularExpressions;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using Coordinator.Tasks.Placement;

namespace Coordinator.Tasks.Intake;

/// <summary>What makes a submission acceptable. Returns the reason it is not, or null.</summary>
public sealed partial class TaskRules(CoordinatorOptions options, ResourceLimitsOptions limits, AgentRegistry registry, IAgentOffers offers,
    TimeProvider time)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    private static partial Regex ValidId();

    /// <summary>How far in the past a run-at time may be (clocks differ) and still run, at once.</summary>
    public static readonly TimeSpan RunAtTolerance = TimeSpan.FromSeconds(5);

    public string? Validate(SubmitTask task)
    {
        if (task.TaskId is not null && !ValidId().IsMatch(task.TaskId))
            return "taskId is invalid: use 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
        if (string.IsNullOrWhiteSpace(task.TaskType))
            return "taskType is missing";
        if (task.TaskType.Length > 128)
            return "taskType is longer than 128 characters";
        if (Unreadable(task.TaskType))
            return "taskType contains a control character or bytes that were not UTF-8";
        if (task.Priority is < 0 or > 9)
            return $"priority {task.Priority} is out of range: use 0 to 9 (higher first)";
        if (task.Deadline is { } deadline && deadline <= time.GetUtcNow())
            return $"deadline {deadline:O} is in the past";
        if (task.RunAt is { } runAt && runAt < time.GetUtcNow() - RunAtTolerance)
            return $"runAt {runAt:O} is in the past";
        if (task is { RunAt: { } start, Deadline: { } end } && end <= start)
            return $"deadline {end:O} is not after runAt {start:O}";
        if (task.RequiredCapabilities?.Any(string.IsNullOrWhiteSpace) == true)
            return "requiredCapabilities contains an empty entry";
        if (task.RequiredCapabilities?.Any(c => c.Length > 128 || Unreadable(c)) == true)
            return "requiredCapabilities contains an entry longer than 128 characters, or with a control character or bytes that were not UTF-8";
        if (task.Payload is { } payload && payload.GetRawText().Length > options.MaxPayloadBytes)
            return $"payload is {payload.GetRawText().Length} bytes; the limit is {options.MaxPayloadBytes}";
        if (task.Payload is { } nested && Depth(nested, options.MaxPayloadDepth + 1) > options.MaxPayloadDepth)
            return $"payload is nested deeper than {options.MaxPayloadDepth} levels (Coordinator:MaxPayloadDepth)";
        if (task.Resources is { } requested && ResourceRules.CheckLimits(requested, limits) is { } tooMuch)
            return tooMuch;
        return null;
    }

    /// <summary>A name with a control character, or with U+FFFD (what bytes that were not UTF-8 are read as).</summary>
    static bool Unreadable(string name) => name.Any(c => char.IsControl(c) || c == '\uFFFD');

    /// <summary>How deep objects and arrays nest in a JSON value, counted up to <paramref name="stop"/> at most.</summary>
    static int Depth(System.Text.Json.JsonElement element, int stop)
    {
        if (stop <= 0 || element.ValueKind is not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array))
            return 0;
        var deepest = 0;
        var children = element.ValueKind == System.Text.Json.JsonValueKind.Object
            ? element.EnumerateObject().Select(p => p.Value)
            : element.EnumerateArray();
        foreach (var child in children)
        {
            deepest = Math.Max(deepest, Depth(child, stop - 1));
            if (deepest >= stop - 1)
                break;
        }
        return deepest + 1;
    }

    /// <summary>
    /// Why no agent could ever run the task (capability or capacity), among the registered ones and those the
    /// ScalingManager could start, or null. With no agent registered and none to start, nothing is known yet, and
    /// the task waits.
    /// </summary>
    public string? Unplaceable(DispatchTask task)
    {
        var registered = registry.All.Where(a => a.State != AgentStates.Unregistered)
            .Select(a => new AgentOffer(a.AgentId, a.Capabilities, a.Resources))
            .ToList();
        var possible = registered.Concat(offers.Offers).ToList();
        if (possible.Count == 0)
            return null;
        var capable = possible.Where(a => TaskPlacement.IsCapable(a.Capabilities, task)).ToList();
        var who = offers.Offers.Count > 0 ? "registered agent or agent profile" : "registered agent";
        if (capable.Count == 0)
        {
            var missing = task.RequiredCapabilities.Prepend(task.TaskType)
                .Where(c => !possible.Any(a => a.Capabilities.Contains(c, StringComparer.OrdinalIgnoreCase)))
                .ToList();
            return missing.Count > 0
                ? $"unknown capability: no {who} offers {string.Join(", ", missing.Select(m => $"'{m}'"))}"
                : $"no {who} offers all of '{task.TaskType}', {string.Join(", ", task.RequiredCapabilities.Select(c => $"'{c}'"))} together";
        }
        if (!capable.Any(a => ResourceRules.CouldEverFit(a.Resources, task.Resources)))
            return $"no capable {(who == "registered agent" ? "agent" : "agent or profile")} could ever provide {task.Resources.CpuCores} cores, {task.Resources.MemoryMb} MB memory and {task.Resources.DiskMb} MB disk";
        return null;
    }
}
