using System.Diagnostics;
using System.Net;
using Coordinator.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// Chaos among several coordinators on one PostgreSQL, under steady load from a client that submits through whichever of them
/// answers. Every accepted task must end Completed exactly once (one attempt: no agent is harmed here, so a second attempt
/// would be work placed twice). Run alone, after the parallel tests: the lease is 2 s here (3 s by default).
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

    /// <summary>The one live coordinator that owns the task path, once one does (among those <paramref name="live"/> gives at each look).</summary>
    static Task<CoordinatorProcess?> OwnerAmongAsync(TestSystem system, Func<IReadOnlyList<CoordinatorProcess>> live, string what) =>
        Eventually.Until(async () =>
            {
                foreach (var coordinator in live())
                    if (!coordinator.HasExited && await OwnsAsync(system.ApiOf(coordinator)))
                        return coordinator;
                return null;
            }, owner => owner is not null, TimeSpan.FromSeconds(20), what, system.Diagnostics);

    async Task AssertEveryTaskCompletedOnceAsync(TestSystem system, CoordinatorApi api, IReadOnlyList<string> ids)
    {
        await Eventually.Until(async () => (await api.TasksAsync()).Count(t => t.Status is not ("Completed" or "DeadLettered")),
            open => open == 0, TimeSpan.FromSeconds(90), $"all {ids.Count} tasks to end", system.Diagnostics);
        var tasks = (await api.TasksAsync()).ToDictionary(t => t.TaskId);
        Assert.Equal(ids.Order(), tasks.Keys.Order());
        var notOnce = tasks.Values.Where(t => t.Status != "Completed" || t.Attempts != 1).ToList();
        Assert.True(notOnce.Count == 0, $"{notOnce.Count} task(s) not completed in one attempt: {string.Join("; ", notOnce.Take(5))}");
        output.WriteLine($"{tasks.Count} tasks, every one Completed in one attempt");
    }

    [Fact]
    public async Task The_owner_killed_every_20_s_for_2_minutes_with_two_standbys_loses_no_task()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: ShortLease);
        var live = new List<CoordinatorProcess> { system.Coordinator };
        live.Add(await system.StartCoordinatorAsync("standby-1"));
        live.Add(await system.StartCoordinatorAsync("standby-2"));
        await system.StartActiveAgentsAsync(("steady-1", ["--concurrency", "4"]), ("steady-2", ["--concurrency", "4"]), ("steady-3", ["--concurrency", "4"]));

        List<CoordinatorProcess> Live()
        {
            lock (live)
                return live.Where(c => !c.HasExited).ToList();
        }
        List<CoordinatorApi> Apis() => Live().Select(system.ApiOf).ToList();
        var load = new SteadyLoad("killed-owner", Apis, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(4));
        var takeovers = new List<TimeSpan>();
        var rounds = Stopwatch.StartNew();
        for (var round = 1; round <= 6; round++)
        {
            // The cadence of the scenario (a kill every 20 s), not a wait for a condition.
            var due = TimeSpan.FromSeconds(20 * round) - rounds.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            var owner = (await OwnerAmongAsync(system, Live, $"an owner before kill {round}"))!;
            owner.Kill();
            var clock = Stopwatch.StartNew();
            lock (live)
                live.Remove(owner);
            // Started again, as a supervisor would: a standby from the moment it is up (it may even be the one that takes over).
            var replacement = system.StartCoordinatorAsync($"standby-{round + 2}");
            var next = (await OwnerAmongAsync(system, () => [.. Live(), .. system.Coordinators().Except(live)],
                $"a standby to take over after kill {round}"))!;
            takeovers.Add(clock.Elapsed);
            output.WriteLine($"kill {round} at {rounds.Elapsed.TotalSeconds:0} s: {owner.Name} killed, {next.Name} owned the task path {clock.Elapsed.TotalSeconds:0.00} s later; {load.Count} tasks accepted so far");
            var started = await replacement;
            lock (live)
                live.Add(started);
        }
        var ids = await load.StopAsync();
        output.WriteLine($"takeover after a kill -9: median {Median(takeovers).TotalSeconds:0.00} s, max {takeovers.Max().TotalSeconds:0.00} s; " +
                         $"{load.Refused} submission(s) sent again to another coordinator");

        await AssertEveryTaskCompletedOnceAsync(system, Apis()[0], ids);
        Assert.All(takeovers, t => Assert.True(t < TimeSpan.FromSeconds(10), $"a takeover took {t.TotalSeconds:0.0} s"));
        Assert.All(await Apis()[0].AgentsAsync(), a => Assert.Equal("Active", a.State)); // none falsely failed by a takeover
    }

    [Fact]
    public async Task An_owner_cut_off_from_PostgreSQL_stops_and_a_standby_takes_over_with_nothing_lost()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, startCoordinator: false, coordinatorSettings: ShortLease);
        await using var proxy = new TcpProxy(5432);
        var throughProxy = new NpgsqlConnectionStringBuilder(system.PostgresConnectionString) { Port = proxy.Port }.ConnectionString;
        var owner = await system.StartCoordinatorAsync("owner (its database through a proxy)", new Dictionary<string, string>
        {
            ["Database__ConnectionString"] = throughProxy,
        });
        Assert.True(await OwnsAsync(system.ApiOf(owner)));
        var standby = await system.StartCoordinatorAsync("standby");
        await system.StartActiveAgentsAsync(("steady-1", ["--concurrency", "4"]), ("steady-2", ["--concurrency", "4"]));

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
        await AssertEveryTaskCompletedOnceAsync(system, system.ApiOf(standby), ids);
    }

    static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
