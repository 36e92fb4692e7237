using Coordinator.Tasks.Recovery;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Health;
using Coordinator.Persistence;
using Coordinator.Tasks;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace Coordinator.UnitTests.Health;

/// <summary>The sweep's arithmetic on a fake clock, over a real SQLite file.</summary>
public sealed class When_the_health_sweep_runs : IAsyncLifetime
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"sweep-{Guid.NewGuid():N}.db");
    ServiceProvider _provider = null!;
    ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton(new CoordinatorOptions())
            .AddSingleton(new Coordinator.Resources.ResourceLimitsOptions())
            .AddSingleton<HeartbeatBook>()
            .AddSingleton<AgentRegistry>()
            .AddSingleton<AgentRegistryLoader>()
            .AddSingleton<HeartbeatSweeper>()
            .AddSingleton<HeartbeatBacklog>()
            .AddSingleton<HealthFigures>()
            .AddSingleton(new DetectionOptions { ProbeConsumers = false, ProbeBacklog = false })
            .AddSingleton<PerformanceBaselines>()
            .AddSingleton(new Coordinator.Hosting.RabbitMqOptions())
            .AddSingleton<Coordinator.Messaging.QueueConsumerProbe>()
            .AddSingleton<AgentRecovery>()
            .AddSingleton<AssignmentWatchdog>()
            .AddSingleton<RecoveryMetrics>()
            .AddSingleton<Coordinator.Ownership.TaskPathOwnership>()
            .AddSingleton(new Coordinator.Ownership.OwnershipOptions())
            .AddSingleton<Coordinator.Ownership.LeaseStore>()
            .AddSingleton(new DatabaseOptions())
            .AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>()
            .AddTaskDistribution()
            .AddQuartz();
        services.AddDbContextFactory<SqliteCoordinatorDbContext>(db => db.UseSqlite($"Data Source={_dbPath}"));
        services.AddSingleton<IDbContextFactory<CoordinatorDbContext>, CoordinatorDbContextFactory<SqliteCoordinatorDbContext>>();
        services.AddMassTransitTestHarness();
        _provider = services.BuildServiceProvider(true);
        await using (var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext())
            await db.Database.MigrateAsync();
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_dbPath);
    }

    async Task Seed(string agentId, string state, TimeSpan silentFor)
    {
        await using var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext();
        db.Agents().Add(new AgentState
        {
            CorrelationId = AgentIdentity.CorrelationIdOf(agentId),
            AgentId = agentId,
            CurrentState = state,
            Capabilities = ["echo"],
            RegisteredAt = _time.GetUtcNow() - silentFor,
            LastHeartbeat = _time.GetUtcNow() - silentFor,
        });
        await db.SaveChangesAsync();
    }

    HeartbeatSweeper Sweeper => _provider.GetRequiredService<HeartbeatSweeper>();

    List<T> Published<T>() where T : class
    {
        using var settled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        return _harness.Published.Select(m => m.MessageObject is T, settled.Token).Select(m => (T)m.MessageObject).ToList();
    }

    [Fact]
    public async Task Silence_is_counted_in_heartbeat_intervals()
    {
        var sweeper = Sweeper; // the coordinator "starts" now
        await Seed("fresh", AgentStates.Active, TimeSpan.Zero);
        await Seed("quiet", AgentStates.Active, TimeSpan.Zero);
        await Seed("silent", AgentStates.Degraded, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(3100));
        await using (var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext())
        {
            await db.Agents().Where(a => a.AgentId == "fresh").ExecuteUpdateAsync(s => s.SetProperty(a => a.LastHeartbeat, _time.GetUtcNow().AddMilliseconds(-500)));
            await db.Agents().Where(a => a.AgentId == "quiet").ExecuteUpdateAsync(s => s.SetProperty(a => a.LastHeartbeat, _time.GetUtcNow().AddMilliseconds(-2200)));
        }

        var verdicts = await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(2, verdicts);
        var missed = Assert.Single(Published<AgentHeartbeatMissed>());
        Assert.Equal("quiet", missed.AgentId);
        Assert.Equal(2, missed.MissedHeartbeats);
        var failed = Assert.Single(Published<AgentFailureDetected>());
        Assert.Equal("silent", failed.AgentId);
        Assert.StartsWith("missed 3 heartbeats", failed.Reason);
    }

    [Fact]
    public async Task Agents_already_unhealthy_failed_or_gone_get_no_repeated_verdicts()
    {
        var sweeper = Sweeper;
        await Seed("unhealthy", AgentStates.Unhealthy, TimeSpan.Zero);
        await Seed("failed", AgentStates.Failed, TimeSpan.Zero);
        await Seed("gone", AgentStates.Unregistered, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(2500));

        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal("unhealthy", Assert.Single(Published<AgentFailureDetected>()).AgentId);
        Assert.Empty(Published<AgentHeartbeatMissed>());
    }

    [Fact]
    public async Task A_coordinator_taking_over_sweeps_nothing_until_its_queues_are_consumed_and_then_counts_silence_from_then()
    {
        var sweeper = Sweeper;
        var ownership = _provider.GetRequiredService<Coordinator.Ownership.TaskPathOwnership>();
        var job = new HeartbeatSweepJob(sweeper, ownership);
        await Seed("patient", AgentStates.Active, TimeSpan.Zero);
        bool Judged() => Published<AgentHeartbeatMissed>().Any(m => m.AgentId == "patient")
                         || Published<AgentFailureDetected>().Any(f => f.AgentId == "patient");

        // Holding the lease, still restoring and connecting its queues (slow, on a busy machine): the agent's heartbeats wait
        // unheard in coordinator.heartbeats, so no sweep may judge its silence.
        ownership.Hold(epoch: 2, validUntil: long.MaxValue);
        _time.Advance(TimeSpan.FromSeconds(10));
        await job.Execute(null!, CancellationToken.None);
        Assert.False(Judged(), "swept while taking over");

        // Its queues consumed: the window opens now, a full one.
        await new HeartbeatWindowOnceConsuming(sweeper).ActivateAsync(CancellationToken.None);
        ownership.Activated();
        await job.Execute(null!, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1900));
        await job.Execute(null!, CancellationToken.None);
        Assert.False(Judged(), "judged on silence from before the queues were consumed");

        // Silent past the threshold from then: judged.
        _time.Advance(TimeSpan.FromMilliseconds(1300));
        await job.Execute(null!, CancellationToken.None);
        Assert.True(Judged(), "never judged once active");
    }

    [Fact]
    public async Task After_a_coordinator_restart_agents_get_a_full_window_to_report()
    {
        await Seed("old", AgentStates.Active, TimeSpan.FromHours(1));
        var sweeper = Sweeper; // created after the agent's last heartbeat: a restarted coordinator

        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(1200));

        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal("old", Assert.Single(Published<AgentFailureDetected>()).AgentId);
    }

    [Fact]
    public async Task A_standby_that_takes_over_gives_every_agent_a_full_window_from_the_takeover()
    {
        var sweeper = Sweeper; // a standby, up long before it takes over
        _time.Advance(TimeSpan.FromMinutes(10));
        // The store's last heartbeat of this agent is 5 s old: the newer ones went to the previous owner, now dead.
        await Seed("heard-by-the-last-owner", AgentStates.Active, TimeSpan.FromSeconds(5));

        await ActivatorUtilities.CreateInstance<FreshHeartbeatWindow>(_provider).ActivateAsync(CancellationToken.None);

        Assert.NotNull(_provider.GetRequiredService<AgentRegistry>().Find("heard-by-the-last-owner")); // the fleet read afresh
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Empty(Published<AgentHeartbeatMissed>());
        // Silent for the whole window counted from the takeover: judged as any silent agent is.
        _time.Advance(TimeSpan.FromMilliseconds(1200));
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal("heard-by-the-last-owner", Assert.Single(Published<AgentFailureDetected>()).AgentId);
    }

    [Fact]
    public async Task Without_a_fresh_window_a_standby_that_takes_over_would_fail_a_live_agent_at_once()
    {
        var sweeper = Sweeper;
        _time.Advance(TimeSpan.FromMinutes(10));
        await Seed("heard-by-the-last-owner", AgentStates.Active, TimeSpan.FromSeconds(5));

        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None)); // what FreshHeartbeatWindow is there to prevent
    }

    [Fact]
    public async Task A_verdict_is_sent_once_per_transition_not_on_every_sweep()
    {
        var sweeper = Sweeper;
        await Seed("silent", AgentStates.Active, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(3100));

        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250)); // the saga has not taken it yet: the registry still says Active
            Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        }
        Assert.Single(Published<AgentFailureDetected>());

        _time.Advance(new DetectionOptions().VerdictResendAfter); // never taken: sent once more, as a lost message would need
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(2, Published<AgentFailureDetected>().Count);
    }

    [Fact]
    public async Task Heartbeats_heard_in_memory_keep_an_agent_alive_without_touching_its_saga()
    {
        var sweeper = Sweeper;
        await Seed("alive", AgentStates.Active, TimeSpan.Zero);
        await sweeper.SweepAsync(CancellationToken.None);
        var saga = _provider.GetRequiredService<AgentRegistry>().Saga("alive")!;
        var book = _provider.GetRequiredService<HeartbeatBook>();

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            book.Record(new AgentHeartbeat { AgentId = "alive", InstanceId = saga.InstanceId, Timestamp = _time.GetUtcNow() }, saga.RegisteredAt);
            Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        }

        var view = _provider.GetRequiredService<AgentRegistry>().Find("alive")!;
        Assert.Equal(_time.GetUtcNow(), view.LastHeartbeat);
        Assert.Equal(10, view.Health.HeartbeatCount);
        await using var db = _provider.GetRequiredService<IDbContextFactory<CoordinatorDbContext>>().CreateDbContext();
        Assert.Equal(0, (await db.Agents().SingleAsync(a => a.AgentId == "alive")).HeartbeatCount); // the store gets them in batches
    }

    [Fact]
    public async Task It_refreshes_the_in_memory_registry()
    {
        await Seed("alpha", AgentStates.Active, TimeSpan.Zero);
        await Seed("beta", AgentStates.Draining, TimeSpan.Zero);

        await Sweeper.SweepAsync(CancellationToken.None);

        var registry = _provider.GetRequiredService<AgentRegistry>();
        Assert.Equal(["alpha", "beta"], registry.All.Select(a => a.AgentId).Order());
        Assert.Equal(AgentStates.Draining, registry.Find("beta")!.State);
    }
}
