namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>The agent's scratch directory (created on start).</summary>
internal sealed class WorkDirectory
{
    public WorkDirectory(AgentOptions options)
    {
        Path = options.WorkDirectory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "coordinator-agents", options.AgentId);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Total size of the files below it; bounded to 100,000 entries so a huge tree cannot stall a heartbeat.</summary>
    public long SizeBytes()
    {
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        foreach (var file in new DirectoryInfo(Path).EnumerateFiles("*", options).Take(100_000))
            total += file.Length;
        return total;
    }
}
