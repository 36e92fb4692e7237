using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Coordinator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// scripts/run-ha.sh as README gives it (its build skipped: test.sh has just built): two coordinators on one PostgreSQL
/// database, the three-node broker cluster with quorum queues and two agents come up from the one command; the owner is
/// killed with kill -9, a standby owns the task path within seconds and the killed one comes back a standby; Ctrl-C stops all
/// of it. It uses the cluster's nodes, so it runs alone, with the other tests that take brokers away.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class When_run_ha_sh_is_used(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_coordinators_and_a_three_node_broker_come_up_from_one_command_survive_kill_9_of_the_owner_and_stop_on_ctrl_c()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var work = Directory.CreateTempSubdirectory("run-ha-").FullName;
        var firstPort = TwoFreePorts();
        var urls = new[] { $"http://127.0.0.1:{firstPort}", $"http://127.0.0.1:{firstPort + 1}" };
        var environment = new Dictionary<string, string>
        {
            ["NO_BUILD"] = "1",
            ["COORDINATORS"] = "2",
            ["AGENTS"] = "2",
            ["FIRST_PORT"] = $"{firstPort}",
            ["RUN_DIR"] = Path.Combine(work, "ha"),
            ["DATABASE"] = database.Name,
        };
        try
        {
            await using var run = new HostProcess("run-ha.sh", Path.Combine(RepositoryPaths.Root, "scripts", "run-ha.sh"), [], environment,
                RepositoryPaths.Root, "bash");
            // Each log's warnings and errors, what it said of the tasks still open, and its last lines.
            string Diagnostics() => run.Output + string.Concat(Directory.Exists(Path.Combine(work, "ha", "logs"))
                ? Directory.GetFiles(Path.Combine(work, "ha", "logs")).Select(f =>
                {
                    var lines = File.ReadLines(f).ToList();
                    var telling = lines.Where(l => l.Contains(" WRN] ") || l.Contains(" ERR] ") || l.Contains(" FTL] ") || l.Contains("lease")
                                                   || l.Contains("owns the task path") || Open.Any(l.Contains));
                    return $"\n--- {f} ---\n{string.Join("\n", telling.TakeLast(80))}\n(last lines)\n{string.Join("\n", lines.TakeLast(15))}";
                })
                : []);

            await Eventually.Until(() => Task.FromResult(run.Output), o => o.Contains("Ctrl-C stops everything") || run.HasExited,
                TimeSpan.FromSeconds(180), "run-ha.sh to say it is up", Diagnostics);
            Assert.False(run.HasExited, Diagnostics());
            Assert.Contains("Agents active:  2 of 2", run.Output);
            using var first = new CoordinatorApi(new Uri(urls[0]));
            using var second = new CoordinatorApi(new Uri(urls[1]));
            var apis = new[] { first, second };
            var owner = await OwnerAsync(apis);
            Assert.NotNull(owner);
            var standby = apis.Single(a => a != owner);
            var (_, ready) = await standby.SendAsync(HttpMethod.Get, "/health/ready");
            Assert.Equal("standby", ready.GetProperty("role").GetString());

            var ids = new List<string>();
            for (var i = 0; i < 20; i++)
                ids.Add(await standby.SubmitAsync(new { taskType = "sleep", payload = new { ms = 300 } }));
            var ownerSlot = Array.IndexOf(apis, owner) + 1;
            var ownerPid = int.Parse(await File.ReadAllTextAsync(Path.Combine(work, "ha", $"coordinator-{ownerSlot}.pid")));
            var clock = Stopwatch.StartNew();
            Process.GetProcessById(ownerPid).Kill();
            // The standby takes over, or the killed one, started again by the script's supervisor loop 2 s later, is quicker
            // to the lease: either way a live coordinator owns the task path again within seconds.
            var next = await Eventually.Until(() => OwnerAsync(apis), o => o is not null, TimeSpan.FromSeconds(20),
                "a coordinator to own the task path again", Diagnostics);
            output.WriteLine($"owner killed: {(next == standby ? "the standby" : "the restarted one")} owned the task path after {clock.Elapsed.TotalSeconds:0.00} s");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took over after {clock.Elapsed.TotalSeconds:0.0} s");
            foreach (var id in ids)
            {
                Open.Add(id);
                await Eventually.Until(() => standby.TaskAsync(id), t => t?.Status == "Completed", TimeSpan.FromSeconds(60), $"task {id} Completed",
                    Diagnostics);
                Open.Remove(id);
            }

            // The supervisor loop starts the killed one again: two coordinators up, one owner and one standby.
            await Eventually.Until(() => Task.FromResult(run.Output), o => o.Contains($"coordinator {ownerSlot} (port {firstPort + ownerSlot - 1}) exited"),
                TimeSpan.FromSeconds(10), "run-ha.sh to see the coordinator exit", Diagnostics);
            await Eventually.Until(async () => $"{await ReadyRoleAsync(first)}/{await ReadyRoleAsync(second)}", roles => roles is "owner/standby" or "standby/owner",
                TimeSpan.FromSeconds(60), "the killed coordinator back, one owner and one standby", Diagnostics);
            Assert.NotEqual(ownerPid, int.Parse(await File.ReadAllTextAsync(Path.Combine(work, "ha", $"coordinator-{ownerSlot}.pid"))));
            var pids = Directory.GetFiles(Path.Combine(work, "ha"), "coordinator-*.pid").Select(f => int.Parse(File.ReadAllText(f))).ToList();
            pids.AddRange((await standby.AgentsAsync()).Where(a => a.State == "Active").Select(a => a.Metadata.ProcessId));
            Assert.Equal(4, pids.Count);

            run.Interrupt();
            Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            Assert.Contains("[run-ha] stopped", run.Output);
            Assert.All(pids, pid => Assert.True(Processes.Gone(pid), $"process {pid} outlived run-ha.sh\n{Diagnostics()}"));
        }
        finally
        {
            await RabbitMqCluster.ResetAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The tasks a wait is on, for the diagnostics to pick out of the logs.</summary>
    static readonly List<string> Open = [];

    static async Task<CoordinatorApi?> OwnerAsync(IEnumerable<CoordinatorApi> apis)
    {
        foreach (var api in apis)
        {
            try
            {
                using var response = await api.Http.GetAsync("/health/owner");
                if (response.StatusCode == HttpStatusCode.OK)
                    return api;
            }
            catch (HttpRequestException)
            {
                // not up (or killed)
            }
        }
        return null;
    }

    static async Task<string?> ReadyRoleAsync(CoordinatorApi api)
    {
        try
        {
            var (_, body) = await api.SendAsync(HttpMethod.Get, "/health/ready");
            return body.TryGetProperty("role", out var role) ? role.GetString() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>A loopback port nobody listens on, and the next one free too (run-ha.sh gives coordinator N FIRST_PORT+N-1).</summary>
    static int TwoFreePorts()
    {
        for (var i = 0; i < 20; i++)
        {
            var port = FreePort.Next();
            try
            {
                var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                next.Stop();
                return port;
            }
            catch (SocketException)
            {
                // the next one is taken: another pick
            }
        }
        throw new InvalidOperationException("no two free ports in a row on loopback in 20 picks");
    }
}
