namespace Coordinator.Bench.Infrastructure;

/// <summary>Finds the hosts' Release build output (the bench builds nothing itself).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string CoordinatorDll => Built("Coordinator", "Coordinator.dll");
    public static string AgentWorkerDll => Built("AgentWorker", "AgentWorker.dll");

    static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, "src", project, "bin", "Release", "net10.0", dll);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{dll} is not built; run `dotnet build -c Release Coordinator.sln` first", path);
    }

    static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Coordinator.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException("Coordinator.sln not found above " + AppContext.BaseDirectory);
    }
}
