using System.Diagnostics;
using System.Text.RegularExpressions;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Scaling;

/// <summary>
/// ./run.sh as a user meets it (its build skipped: test.sh has just built): the coordinator runs a supervised fleet,
/// a kill -9'd agent is replaced, a backlog from a plain AMQP client grows the fleet and idleness shrinks it, and
/// Ctrl-C stops everything it started.
/// </summary>
public sealed partial class When_run_sh_is_used
{
    [Fact]
    public async Task It_keeps_the_minimum_through_kill_9_grows_under_an_amqp_backlog_shrinks_when_idle_and_ctrl_c_stops_everything()
    {
        await using var system = await TestSystem.StartAsync(startCoordinator: false);
        var port = FreePort.Next();
        using var api = new CoordinatorApi(new Uri($"http://127.0.0.1:{port}"));
        var environment = new Dictionary<string, string>
        {
            ["NO_BUILD"] = "1",
            ["COORDINATOR_URL"] = $"http://127.0.0.1:{port}",
            ["RUN_DIR"] = Path.Combine(system.WorkDirectory, "run"),
            ["MIN_AGENTS"] = "2",
            ["MAX_AGENTS"] = "4",
            ["RabbitMq__VirtualHost"] = system.VirtualHost,
            ["Scaling__CheckInterval"] = "00:00:00.500",
            ["Scaling__ScaleUpCooldown"] = "00:00:01",
            ["Scaling__ScaleDownCooldown"] = "00:00:01",
            ["Scaling__ScaleDownStabilization"] = "00:00:03",
        };
        await using var run = new HostProcess("run.sh", Path.Combine(RepositoryPaths.Root, "run.sh"), [], environment, system.WorkDirectory, "bash");
        string Diagnostics() => run.Output + "\n" + Tail(Path.Combine(system.WorkDirectory, "run", "logs", "coordinator.log"));

        var fleet = await Eventually.Until(api.AgentsAsync, a => a.Count(x => x.State == "Active") == 2, TimeSpan.FromSeconds(120),
            "run.sh's minimum fleet of two", Diagnostics);
        await Eventually.Until(() => Task.FromResult(run.Output), o => o.Contains("Ctrl-C stops everything"), TimeSpan.FromSeconds(30),
            "run.sh to say it is up", Diagnostics);
        var coordinatorPid = int.Parse(CoordinatorPid().Match(run.Output).Groups[1].Value);

        var victim = fleet.First(a => a.State == "Active");
        Process.GetProcessById(victim.Metadata.ProcessId).Kill();
        await Eventually.Until(api.AgentsAsync, a => a.Count(x => x.State == "Active" && x.AgentId != victim.AgentId) == 2, TimeSpan.FromSeconds(15),
            "a replacement for the killed agent", Diagnostics);
        Assert.False(run.HasExited, "run.sh stays up when an agent dies");

        // 40 tasks of 1.5 s from a plain AMQP client (librabbitmq's amqp-publish), one per line.
        var body = string.Concat(Enumerable.Repeat("""{"taskType": "sleep", "payload": {"ms": 1500}}""" + "\n", 40));
        await PublishLinesAsync(system.VirtualHost, body);
        var grown = await Eventually.Until(api.ScalingAsync, s => s.GetProperty("current").GetInt32() > 2, TimeSpan.FromSeconds(20),
            "the fleet to grow under the backlog", Diagnostics);
        await Eventually.Until(async () => (await api.TasksAsync("Completed")).Count, n => n == 40, TimeSpan.FromSeconds(60), "40 tasks Completed",
            Diagnostics);
        await Eventually.Until(api.ScalingAsync, s => s.GetProperty("current").GetInt32() == 2 && s.GetProperty("agents").GetArrayLength() == 2,
            TimeSpan.FromSeconds(60), "the idle fleet back at its minimum", Diagnostics);
        var pids = (await api.AgentsAsync()).Select(a => a.Metadata.ProcessId).Append(coordinatorPid).ToList();

        run.Interrupt();

        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(grown.GetProperty("current").GetInt32() <= 4);
        Assert.All(pids, pid => Assert.True(Processes.Gone(pid), $"process {pid} outlived run.sh\n{Diagnostics()}"));
        Assert.Contains("[run] stopped", run.Output);
    }

    static async Task PublishLinesAsync(string virtualHost, string lines)
    {
        var start = new ProcessStartInfo("amqp-publish") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-s", "127.0.0.1", "--vhost", virtualHost, "-e", EntityNames.Tasks, "-C", "application/json", "-p", "-l" })
            start.ArgumentList.Add(argument);
        using var publish = Process.Start(start)!;
        await publish.StandardInput.WriteAsync(lines);
        publish.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0, $"amqp-publish failed: {await publish.StandardError.ReadToEndAsync()}");
    }

    static string Tail(string path) =>
        File.Exists(path) ? string.Join("\n", File.ReadLines(path).TakeLast(60)) : $"({path} does not exist)";

    [GeneratedRegex(@"coordinator pid (\d+)")]
    private static partial Regex CoordinatorPid();
}
