using System.Diagnostics;

namespace Coordinator.IntegrationTests.Infrastructure;

public static class Processes
{
    /// <summary>Whether no process with this id runs any more.</summary>
    public static bool Gone(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
