namespace Coordinator.Tasks.Results;

/// <summary>
/// A run time as an agent reports it, made safe to compute with: not a number, negative or absurd (a buggy or hostile
/// agent) becomes 0 or a year, so no arithmetic on it can throw and leave the task unrecorded.
/// </summary>
public static class ReportedDuration
{
    static readonly double MaxMs = TimeSpan.FromDays(365).TotalMilliseconds;

    public static double Milliseconds(double reported) => double.IsFinite(reported) ? Math.Clamp(reported, 0, MaxMs) : 0;

    public static TimeSpan Of(double reported) => TimeSpan.FromMilliseconds(Milliseconds(reported));
}
