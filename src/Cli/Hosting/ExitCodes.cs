namespace CoordinatorCli.Hosting;

/// <summary>The process exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Submitted tasks did not all complete (failed, dead-lettered, rejected, timed out, or still open at --timeout).</summary>
    public const int TasksNotCompleted = 1;
    /// <summary>Bad input: an option out of range, unparsable JSON, or a 400 from the coordinator.</summary>
    public const int BadInput = 2;
    public const int Unreachable = 3;
    public const int NotFound = 4;
    /// <summary>The coordinator answered with an unexpected status or body.</summary>
    public const int ApiFailure = 5;
    /// <summary>Refused in the current state (409): cancelling a task that has ended, re-running a completed one, scaling while it is disabled.</summary>
    public const int Conflict = 6;
    public const int Cancelled = 130;
}
