namespace CoordinatorCli.Api;

/// <summary>The task statuses the API reports, in lifecycle order, and which of them are final.</summary>
public static class TaskStatuses
{
    public const string Completed = "Completed";

    public static IReadOnlyList<string> All { get; } =
        ["Scheduled", "Pending", "Assigned", "Running", Completed, "Failed", "TimedOut", "DeadLettered", "Rejected", "Cancelled"];

    static readonly HashSet<string> Terminal = new(StringComparer.OrdinalIgnoreCase)
    {
        Completed, "DeadLettered", "Rejected", "TimedOut", "Cancelled",
    };

    public static bool IsTerminal(string? status) => status is not null && Terminal.Contains(status);

    public static bool IsCompleted(string? status) => string.Equals(status, Completed, StringComparison.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of a status typed in any case, or null when there is no such status.</summary>
    public static string? Normalise(string status) =>
        All.FirstOrDefault(s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));

    /// <summary>Sort key: known statuses in lifecycle order, anything else after them.</summary>
    public static int Order(string status)
    {
        var index = All.ToList().FindIndex(s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? All.Count : index;
    }
}
