using System.Security.Cryptography;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Packages;

/// <summary>
/// samples/FileChecksums, a user's own project on the SDK package: packed, restored from artifacts/packages through its own
/// nuget.config, built, and run by its own <c>dotnet run</c> as two agents of a real coordinator; its task's agent is killed
/// midway and the other goes on from the checkpoint.
/// </summary>
public sealed class When_an_agent_is_built_on_the_sdk_package
{
    const int Files = 30, FileBytes = 256 * 1024, BytesPerSecond = 1_000_000;
    static readonly string Sample = Path.Combine(RepositoryPaths.Root, "samples", "FileChecksums");

    [Fact]
    public async Task The_sample_runs_from_dotnet_run_and_a_task_moved_off_a_killed_agent_resumes_from_its_checkpoint()
    {
        var version = await PackedArtifacts.VersionAsync();
        var props = await File.ReadAllTextAsync(Path.Combine(Sample, "Directory.Packages.props"));
        Assert.True(props.Contains($"Include=\"Coordinator.AgentWorker.Sdk\" Version=\"{version}\"", StringComparison.Ordinal),
            $"samples/FileChecksums/Directory.Packages.props should reference the version packed, {version}");
        await BuildSampleAsync();

        await using var system = await TestSystem.StartAsync();
        await system.Broker.DeclareQueueAsync(system.VirtualHost, "test-task-events");
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.TaskEvents, "test-task-events");
        var data = Path.Combine(system.WorkDirectory, "data");
        var expected = WriteFiles(data);

        // Two agents from the sample's own `dotnet run`; no Agent:Capabilities: each offers its handler's task type.
        string[] run = ["run", "--project", Sample, "-c", "Release", "--no-build", "--"];
        var agents = new[] { "checksums-a", "checksums-b" }.ToDictionary(id => id, id => system.StartAgentProgram(id, "dotnet", run));
        foreach (var id in agents.Keys)
            Assert.Equal(["file-checksums"], (await system.WaitForStateAsync(id, "Active", TimeSpan.FromSeconds(90))).Capabilities);

        // Paced at 1 MB/s, the 7.5 MB take about 7.5 s: the agent running it is killed once three files are checkpointed.
        var taskId = await system.Api.SubmitAsync(new
        {
            taskType = "file-checksums", payload = new { directory = data, maxBytesPerSecond = BytesPerSecond },
        });
        var midway = await Eventually.Until(() => system.Api.TaskAsync(taskId),
            t => t?.Checkpoint is { } c && c.GetProperty("done").GetArrayLength() >= 3 && t.Progress is not null, TimeSpan.FromSeconds(30),
            "three files checksummed", system.Diagnostics);
        Assert.Equal("Running", midway!.Status);
        Assert.Matches($@"^\d+ of {Files} files$", midway.Progress!.Value.GetProperty("message").GetString());
        var killed = midway.AgentId!;
        agents[killed].Kill();

        var done = await system.WaitForTaskAsync(taskId, "Completed");
        Assert.Equal(agents.Keys.Single(id => id != killed), done.AgentId);
        Assert.Equal(2, done.Attempts);
        var report = done.Result!.Value;
        Assert.Equal((Files, (long)Files * FileBytes, 2), (report.GetProperty("files").GetInt32(), report.GetProperty("bytes").GetInt64(),
            report.GetProperty("attempt").GetInt32()));
        // Every checksum right, whichever attempt read the file.
        Assert.Equal(expected, report.GetProperty("checksums").EnumerateArray()
            .Select(c => (c.GetProperty("path").GetString()!, c.GetProperty("bytes").GetInt64(), c.GetProperty("sha256").GetString()!)).ToList());
        // The second attempt read only what the first had not checkpointed: one checkpoint per file it read.
        var resumed = report.GetProperty("resumed").GetInt32();
        Assert.InRange(resumed, 3, Files - 1);
        var checkpointsOfSecond = (await system.Broker.GetMessagesAsync(system.VirtualHost, "test-task-events", 1000))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .Count(e => e.GetProperty("messageType").EnumerateArray().Any(t => t.GetString()!.EndsWith($":{nameof(TaskCheckpointed)}", StringComparison.Ordinal))
                        && e.GetProperty("message").GetProperty("taskId").GetString() == taskId
                        && e.GetProperty("message").GetProperty("attempt").GetInt32() == 2);
        Assert.Equal(Files - resumed, checkpointsOfSecond);
    }

    /// <summary>As a user builds it: restored (the SDK from artifacts/packages, through the sample's nuget.config) and compiled.</summary>
    static async Task BuildSampleAsync()
    {
        // Its packages all come from artifacts/packages and the NuGet cache: a registry out of reach is no reason to fail.
        await using var build = new HostProcess("dotnet build samples/FileChecksums", "build",
            [Sample, "-c", "Release", "-nologo", "-p:RestoreIgnoreFailedSources=true"],
            new Dictionary<string, string>(), Sample);
        var exit = await build.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"the sample did not build (exit {exit})\n{build.Output}");
    }

    /// <summary>Files of random bytes in two levels of directories; their paths (with '/'), sizes and SHA-256, in path order.</summary>
    static List<(string Path, long Bytes, string Sha256)> WriteFiles(string root)
    {
        var random = new Random(13);
        var files = new List<(string, long, string)>();
        for (var i = 0; i < Files; i++)
        {
            var path = $"{(i % 3 == 0 ? "raw" : "raw/day-2")}/frame-{i:D2}.bin";
            var bytes = new byte[FileBytes];
            random.NextBytes(bytes);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllBytes(Path.Combine(root, path), bytes);
            files.Add((path, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        return files.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }
}
