namespace Coordinator.Bench.Infrastructure;

/// <summary>What else the machine is doing (load average, other builds or test runs), printed with the results for context.</summary>
public static class MachineActivity
{
    public static string Describe()
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        var others = OtherDotnetWork();
        return $"load average {load}" + (others.Count == 0 ? "" : $"; WARNING, also running: {string.Join("; ", others)}");
    }

    /// <summary>`dotnet build` / `dotnet test` processes that are not ours: they compete for the same two cores.</summary>
    static List<string> OtherDotnetWork()
    {
        var found = new List<string>();
        if (!Directory.Exists("/proc"))
            return found;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Take(100_000))
        {
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (args.Length >= 2 && Path.GetFileName(args[0]) == "dotnet" && args[1] is "build" or "test")
                    found.Add($"dotnet {args[1]} (pid {Path.GetFileName(dir)})");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }
}
