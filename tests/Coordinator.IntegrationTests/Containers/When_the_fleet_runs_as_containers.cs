using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Containers;

/// <summary>
/// The ScalingManager with the Docker provisioner (Provisioning:Provider=Docker) on the real engine: agent containers of
/// coordinator-local/agent:latest on the host network, reaching the test's broker on 127.0.0.1. The coordinator runs as
/// a process here; the containers it starts carry its owner label, and the profile's resources as their limits.
/// </summary>
[Collection(ContainersCollection.Name)]
public sealed class When_the_fleet_runs_as_containers(ITestOutputHelper output) : IAsyncLifetime
{
    readonly string _owner = $"test-{Guid.NewGuid().ToString("N")[..8]}";
    TestSystem _system = null!;

    string OwnerLabel => $"coordinator.owner={_owner}";

    public async Task InitializeAsync()
    {
        DockerEngine.EnsureReady();
        _system = await TestSystem.StartAsync(coordinatorSettings: ScalingSettings.Fleet(1, 3, "echo,sleep", 2,
            ("Provisioning__Provider", "Docker"),
            ("Provisioning__Docker__Network", "host"),
            ("Provisioning__Docker__Owner", _owner),
            ("Provisioning__Docker__ContainerPrefix", _owner),
            ("Scaling__Profiles__0__CpuCores", "1"),
            ("Scaling__Profiles__0__MemoryMb", "512"),
            ("Scaling__StartTimeout", "00:01:00")));
    }

    public async Task DisposeAsync()
    {
        await _system.DisposeAsync();
        foreach (var id in DockerEngine.Containers(OwnerLabel))
            DockerEngine.Run(["docker", "rm", "-f", id], TimeSpan.FromSeconds(30), check: false);
    }

    string Diagnostics() => _system.Diagnostics() + "\n" + DockerEngine.Docker("ps", "-a", "--filter", $"label={OwnerLabel}") + "\n"
                            + string.Join("\n", _logs.Select(l => $"--- container {l.Key} ---\n{l.Value}"));

    /// <summary>The agent containers' output, kept while the test runs (a container the coordinator replaces is removed with its log).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _logs = new();

    async Task KeepLogsAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var id in Running())
            {
                var (code, log) = DockerEngine.Run(["docker", "logs", "--tail", "60", id], TimeSpan.FromSeconds(10), check: false);
                if (code == 0)
                    _logs[id] = log;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    static int Current(JsonElement scaling) => scaling.GetProperty("current").GetInt32();

    IReadOnlyList<string> Running() => DockerEngine.Containers(OwnerLabel, all: false);

    [Fact]
    public async Task A_backlog_starts_containers_idleness_drains_and_stops_them_a_killed_one_is_replaced_and_a_restarted_coordinator_adopts_them()
    {
        using var stopLogs = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var keeping = Task.Run(() => KeepLogsAsync(stopLogs.Token));
        await Eventually.Until(_system.Api.ScalingAsync, s => s.GetProperty("agents").EnumerateArray().Any(a => a.GetProperty("state").GetString() == "Active"),
            TimeSpan.FromSeconds(90), "the minimum of one agent container, Active", Diagnostics);
        var first = Assert.Single(Running());
        var inspected = JsonDocument.Parse(DockerEngine.Docker("inspect", first)).RootElement[0];
        Assert.Equal(1_000_000_000, inspected.GetProperty("HostConfig").GetProperty("NanoCpus").GetInt64());
        Assert.Equal(512L * 1024 * 1024, inspected.GetProperty("HostConfig").GetProperty("Memory").GetInt64());
        Assert.Equal("default", inspected.GetProperty("Config").GetProperty("Labels").GetProperty("coordinator.profile").GetString());
        Assert.Equal("10001", inspected.GetProperty("Config").GetProperty("User").GetString());

        // A backlog: the fleet grows to its maximum of three containers, and every task runs once.
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
            ids.Add(await _system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 1500 } }));
        await Eventually.Until(() => Task.FromResult(Running().Count), n => n == 3, TimeSpan.FromSeconds(60), "three agent containers", Diagnostics);
        foreach (var id in ids)
        {
            var done = await _system.WaitForTaskAsync(id, "Completed");
            Assert.True(done.Attempts == 1, $"{id} took {done.Attempts} attempts: {await _system.Api.Http.GetStringAsync($"/api/tasks/{id}")}\n{Diagnostics()}");
        }

        // Idle: drained, then stopped, back to one container.
        await Eventually.Until(() => Task.FromResult(Running().Count), n => n == 1, TimeSpan.FromSeconds(90),
            "the idle fleet to shrink to one container", Diagnostics);
        var scaling = await _system.Api.ScalingAsync();
        var stopped = scaling.GetProperty("decisions").EnumerateArray().Where(d => d.GetProperty("action").GetString() == "Down")
            .SelectMany(d => d.GetProperty("agentIds").EnumerateArray().Select(a => a.GetString()!)).ToList();
        Assert.Equal(2, stopped.Count);
        foreach (var agentId in stopped)
            await _system.WaitForStateAsync(agentId, "Unregistered"); // drained and unregistered, not killed

        // docker kill: the agent is Failed and a new container takes its place.
        var survivor = Assert.Single(Running());
        var lost = JsonDocument.Parse(DockerEngine.Docker("inspect", survivor)).RootElement[0]
            .GetProperty("Config").GetProperty("Labels").GetProperty("coordinator.agent-id").GetString()!;
        DockerEngine.Docker("kill", survivor);
        await _system.WaitForStateAsync(lost, "Failed", TimeSpan.FromSeconds(20));
        var replacement = await Eventually.Until(() => Task.FromResult(Running()), r => r.Count == 1 && r[0] != survivor,
            TimeSpan.FromSeconds(60), "a replacement container", Diagnostics);
        await Eventually.Until(_system.Api.ScalingAsync, s => Current(s) == 1 && s.GetProperty("agents").EnumerateArray()
                .Any(a => a.GetProperty("state").GetString() == "Active"), TimeSpan.FromSeconds(60), "the replacement Active", Diagnostics);

        // The coordinator killed outright leaves its container running; the next one adopts it instead of starting another.
        _system.Coordinator.Kill();
        await _system.StartCoordinatorAsync("coordinator (restarted)");
        var after = await Eventually.Until(_system.Api.ScalingAsync, s => s.GetProperty("agents").GetArrayLength() == 1
                && s.GetProperty("agents").EnumerateArray().All(a => a.GetProperty("state").GetString() == "Active"),
            TimeSpan.FromSeconds(30), "the restarted coordinator to count the running container as its own", Diagnostics);
        Assert.Equal(replacement, Running());
        Assert.Contains("Adopted agent", _system.Coordinator.Output);
        Assert.DoesNotContain(after.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("action").GetString() == "Up");
        output.WriteLine(after.ToString());
    }
}
