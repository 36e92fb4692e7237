using System.Diagnostics;
using System.Net;
using Coordinator.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// Chaos among several coordinators on one PostgreSQL, under steady load from a client that submits through whichever of them
/// answers. Every accepted task must end Completed in one attempt (no agent is harmed here, so a second attempt would be work
/// placed twice), and its handler must have run exactly once, as the agents' own reports say (<see cref="FleetWatch"/>): the
/// ledger alone would not show an assignment sent by an owner that died before writing it. No agent may be judged failed for
/// a takeover. Run alone, after the parallel tests. The kill test runs on the default lease (3 s), the partition test on 2 s.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class Several_coordinators_under_steady_load(ITestOutputHelper output)
{
    static readonly Dictionary<string, string> ShortLease = new()
    {
        ["Ownership__LeaseTtl"] = "00:00:02", ["Ownership__RenewInterval"] = "00:00:00.500", ["Ownership__AcquireInterval"] = "00:00:00.250",
    };

    static async Task<bool> OwnsAsync(CoordinatorApi api)
    {
        try
        {
            using var response = await api.Http.GetAsync("/health/owner");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The one live coordinator that owns the task path, once one does (among those <paramref name="live"/> gives at each look,
    /// all asked at once: a busy one answering late does not delay seeing another take over).
    /// </summary>
    static Task<CoordinatorProcess?> OwnerAmongAsync(TestSystem system, Func<IReadOnlyList<CoordinatorProcess>> live, string what) =>
        Eventually.Until(async () =>
            {
                var asked = live().Where(c => !c.HasExited)
                    .Select(async c => await OwnsAsync(system.ApiOf(c)) ? c : null).ToList();
                while (asked.Count > 0)
                {
                    var answered = await Task.WhenAny(asked);
                    asked.Remove(answered);
                    if (await answered is { } owner)
                        return owner;
                }
                return null;
            }, owner => owner is not null, TimeSpan.FromSeconds(20), what, system.Diagnostics);

    [Fact]
    public async Task The_owner_killed_every_20_s_for_2_minutes_with_two_standbys_loses_no_task()
    {
        // The default lease (3 s, renewed every 0.75 s, sought every 0.5 s): the takeover measured is the one users get.
        await using var system = await TestSystem.StartAsync(postgres: true);
        await using var watch = await FleetWatch.StartAsync(system);
        var live = new List<CoordinatorProcess> { system.Coordinator };
        live.Add(await system.StartCoordinatorAsync("standby-1"));
        live.Add(await system.StartCoordinatorAsync("standby-2"));
        await system.StartActiveAgentsAsync(("steady-1", ["--concurrency", "4"]), ("steady-2", ["--concurrency", "4"]), ("steady-3", ["--concurrency", "4"]));
        watch.ClearVerdicts(); // the agents' own registrations

        List<CoordinatorProcess> Live()
        {
            lock (live)
                return live.Where(c => !c.HasExited).ToList();
        }
        List<CoordinatorApi> Apis() => Live().Select(system.ApiOf).ToList();
        var load = new SteadyLoad("killed-owner", Apis, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(4));
        var kills = new List<(DateTimeOffset At, TimeSpan Takeover)>();
        var rounds = Stopwatch.StartNew();
        for (var round = 1; round <= 6; round++)
        {
            // The cadence of the scenario (a kill every 20 s), not a wait for a condition.
            var due = TimeSpan.FromSeconds(20 * round) - rounds.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            var owner = (await OwnerAmongAsync(system, Live, $"an owner before kill {round}"))!;
            owner.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            lock (live)
                live.Remove(owner);
            // Started again, as a supervisor would: a standby from the moment it is up (it may even be the one that takes over).
            var replacement = system.StartCoordinatorAsync($"standby-{round + 2}");
            var next = (await OwnerAmongAsync(system, () => [.. Live(), .. system.Coordinators().Except(live)],
                $"a standby to take over after kill {round}"))!;
            kills.Add((killedAt, clock.Elapsed));
            output.WriteLine($"kill {round} at {killedAt:HH:mm:ss.fff}: {owner.Name} killed, {next.Name} owned the task path {clock.Elapsed.TotalSeconds:0.00} s later; {load.Count} tasks accepted so far");
            foreach (var line in next.Output.Split('\n').Where(l => l.Contains("task path's lease (epoch") || l.Contains("owns the task path")))
                output.WriteLine($"  {line.Trim()}"); // its own account: when it took the lease, when it consumed the owner's queues
            var started = await replacement;
            lock (live)
                live.Add(started);
        }
        var ids = await load.StopAsync();
        output.WriteLine($"{load.Refused} submission(s) sent again to another coordinator");

        var tasks = await watch.AssertEveryTaskCompletedOnceAsync(system, Apis()[0], ids);
        output.WriteLine($"{tasks.Count} tasks, every one Completed in one attempt and run exactly once");
        // The first placement after each kill: by the new owner (the killed one places nothing more), as its ledger says.
        var placed = kills.Select(k => tasks.Values.Where(t => t.AssignedAt > k.At).Min(t => t.AssignedAt) - k.At).ToList();
        for (var i = 0; i < kills.Count; i++)
            output.WriteLine($"kill {i + 1}: owned after {kills[i].Takeover.TotalSeconds:0.00} s, first task placed after {placed[i]?.TotalSeconds:0.00} s");
        output.WriteLine($"takeover after a kill -9: median {Median(kills.ConvertAll(k => k.Takeover)).TotalSeconds:0.00} s, " +
                         $"max {kills.Max(k => k.Takeover).TotalSeconds:0.00} s; first placement after: max {placed.Max()?.TotalSeconds:0.00} s");
        Assert.All(kills, k => Assert.True(k.Takeover < TimeSpan.FromSeconds(5), $"a takeover took {k.Takeover.TotalSeconds:0.0} s"));
        Assert.All(placed, p => Assert.True(p < TimeSpan.FromSeconds(5), $"the first task after a kill was placed {p?.TotalSeconds:0.0} s after it"));
        watch.AssertNoAgentJudged(system.Diagnostics); // none falsely failed by a takeover
        Assert.All(await Apis()[0].AgentsAsync(), a => Assert.Equal("Active", a.State));
    }

    [Fact]
    public async Task An_owner_cut_off_from_PostgreSQL_stops_and_a_standby_takes_over_with_nothing_lost()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, startCoordinator: false, coordinatorSettings: ShortLease);
        await using var watch = await FleetWatch.StartAsync(system);
        await using var proxy = new TcpProxy(5432);
        var throughProxy = new NpgsqlConnectionStringBuilder(system.PostgresConnectionString) { Port = proxy.Port }.ConnectionString;
        var owner = await system.StartCoordinatorAsync("owner (its database through a proxy)", new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = throughProxy,
        });
        await OwnerAmongAsync(system, () => [owner], "the first coordinator to own the task path"); // ready as a standby first
        var standby = await system.StartCoordinatorAsync("standby");
        await system.StartActiveAgentsAsync(("steady-1", ["--concurrency", "4"]), ("steady-2", ["--concurrency", "4"]));
        watch.ClearVerdicts(); // the agents' own registrations

        var load = new SteadyLoad("partitioned", () => [system.ApiOf(owner), system.ApiOf(standby)], TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMinutes(2));
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= 50, TimeSpan.FromSeconds(30), "load under way", system.Diagnostics);

        proxy.Partition(); // no byte between the owner and PostgreSQL from now on; nothing closes either
        var clock = Stopwatch.StartNew();
        await OwnerAmongAsync(system, () => [standby], "the standby to take over from the cut-off owner");
        output.WriteLine($"owner cut off from PostgreSQL: the standby owned the task path {clock.Elapsed.TotalSeconds:0.00} s later");
        await Eventually.Until(() => Task.FromResult(owner.HasExited), exited => exited, TimeSpan.FromSeconds(90), "the cut-off owner to stop",
            system.Diagnostics);
        output.WriteLine($"the cut-off owner stopped {clock.Elapsed.TotalSeconds:0.0} s after the partition");
        Assert.Contains("lost the task path's lease", owner.Output);
        foreach (var line in owner.Output.Split('\n').Where(l => l.Contains("lease") || l.Contains("queue(s)") || l.Contains("Lifetime")))
            output.WriteLine(line); // the cut-off owner's own account of its end

        var before = load.Count;
        await Eventually.Until(() => Task.FromResult(load.Count), n => n >= before + 50, TimeSpan.FromSeconds(30), "load to go on", system.Diagnostics);
        var ids = await load.StopAsync();
        proxy.Heal();
        output.WriteLine($"{(await watch.AssertEveryTaskCompletedOnceAsync(system, system.ApiOf(standby), ids)).Count} tasks, every one Completed in one attempt and run exactly once");
        watch.AssertNoAgentJudged(system.Diagnostics);
    }

    static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
