using System.Globalization;

namespace Coordinator.Bench.Infrastructure;

/// <summary>A process's CPU time so far (user + system), from /proc/{pid}/stat; null when it cannot be read.</summary>
public static class ProcessCpu
{
    /// <summary>Clock ticks per second of /proc's figures (USER_HZ, 100 on Linux).</summary>
    const double TicksPerSecond = 100;

    public static double? Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after its closing parenthesis: utime and stime are 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
