using System.Text.RegularExpressions;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// The packages users get (scripts/pack.sh, from the Release build the tests run on), packed once per test run whichever
/// test asks first: artifacts/packages is emptied by each pack, so two at once would trip over each other.
/// </summary>
public static partial class PackedArtifacts
{
    static readonly Lazy<Task<string>> Packed = new(PackAsync);

    public static string Directory => Path.Combine(RepositoryPaths.Root, "artifacts", "packages");

    /// <summary>Packs (once) and answers the version of the packages.</summary>
    public static Task<string> VersionAsync() => Packed.Value;

    static async Task<string> PackAsync()
    {
        await using var pack = new HostProcess("pack.sh", Path.Combine(RepositoryPaths.Root, "scripts", "pack.sh"), ["--no-build"],
            new Dictionary<string, string>(), RepositoryPaths.Root, program: "bash");
        var exit = await pack.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"scripts/pack.sh --no-build exited with {exit}\n{pack.Output}");
        var sdk = System.IO.Directory.GetFiles(Directory, "Coordinator.AgentWorker.Sdk.*.nupkg").Select(Path.GetFileName).Single()!;
        return SdkVersion().Match(sdk).Groups[1].Value;
    }

    [GeneratedRegex(@"^Coordinator\.AgentWorker\.Sdk\.(.+)\.nupkg$")]
    private static partial Regex SdkVersion();
}
