using System.Diagnostics;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// The local Docker engine through its own command-line clients (`docker`, and `docker compose` or Debian's
/// `docker-compose`), as a user drives it. Every command is bounded in time; a failure throws with its output.
/// The images come from scripts/build-images.sh, which ./test.sh runs first.
/// </summary>
public static class DockerEngine
{
    public const string AgentImage = "coordinator-local/agent:latest";

    static readonly Lazy<string[]> ComposeCommand = new(() =>
        Run(["docker", "compose", "version"], TimeSpan.FromSeconds(20), check: false).Code == 0 ? ["docker", "compose"] : ["docker-compose"]);

    /// <summary>Fails with how to get them when the engine or the images are missing.</summary>
    public static void EnsureReady()
    {
        var info = Run(["docker", "info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20), check: false);
        if (info.Code != 0)
            throw new InvalidOperationException($"no Docker engine answers (run scripts/ensure-docker.sh): {info.Output}");
        foreach (var image in new[] { AgentImage, "coordinator-local/coordinator:latest", "coordinator-local/rabbitmq:latest", "coordinator-local/postgres:latest" })
        {
            if (Run(["docker", "image", "inspect", image], TimeSpan.FromSeconds(20), check: false).Code != 0)
                throw new InvalidOperationException($"image {image} is missing (run scripts/build-images.sh)");
        }
    }

    public static string Docker(params string[] arguments) => Run(["docker", .. arguments], TimeSpan.FromMinutes(2)).Output;

    /// <summary>`docker compose -p {project} -f docker-compose.yml -f docker-compose.local.yml …` from the repository root.</summary>
    public static string Compose(string project, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Run([.. ComposeCommand.Value, "-p", project, "-f", "docker-compose.yml", "-f", "docker-compose.local.yml", .. arguments],
            TimeSpan.FromMinutes(4), environment: environment).Output;

    /// <summary>Ids of the containers (running or not) with the given label.</summary>
    public static IReadOnlyList<string> Containers(string label, bool all = true) =>
        Docker([.. (all ? new[] { "ps", "-a" } : ["ps"]), "-q", "--filter", $"label={label}"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static (int Code, string Output) Run(string[] command, TimeSpan timeout, bool check = true,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in command[1..])
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish within {timeout.TotalSeconds:0} s");
        }
        var output = (stdout.Result + stderr.Result).Trim();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} exited with {process.ExitCode}: {output}");
        return (process.ExitCode, output);
    }
}

