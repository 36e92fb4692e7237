namespace Coordinator.Testing;

/// <summary>Finds the hosts' build output from the test binary's location (same configuration).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}")
        ? "Release"
        : "Debug";

    public static string CoordinatorDll => Built("Coordinator", "Coordinator.dll");
    public static string AgentWorkerDll => Built("AgentWorker", "AgentWorker.dll");
    public static string CliDll => Built("Cli", "coordinator-cli.dll");

    static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built; run ./test.sh (or dotnet build) first", path);
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coordinator.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Coordinator.sln not found above " + AppContext.BaseDirectory);
    }
}
