using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>
/// The coordinator's own verdicts, beyond what an agent reports of itself: resources near the declared limits,
/// no consumer on the agent's queue, errors well above the agent's own baseline. Each verdict clears when
/// its cause does. And the watchdog for work an agent took and never reported on.
/// </summary>
public sealed class When_the_coordinator_judges_an_agent : IAsyncLifetime
{
    TestSystem _system = null!;
    TestBus _bus = null!;

    public async Task InitializeAsync()
    {
        _system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Coordinator__MaxRetries"] = "1",
            ["Coordinator__TaskTimeout"] = "00:00:03",
            ["Coordinator__AssignmentGrace"] = "00:00:01",
        });
        _bus = await TestBus.StartAsync(_system.VirtualHost);
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _system.DisposeAsync();
    }

    /// <summary>Heartbeats as a third-party agent would send them (always claiming Healthy), until cancelled; at most a minute.</summary>
    sealed class Heartbeats(TestBus bus, RegisterAgent registration) : IAsyncDisposable
    {
        readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
        Task _loop = Task.CompletedTask;
        public long MemoryMb { get; set; } = 100;

        public Heartbeats Start()
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    await bus.SendToCoordinatorAsync(new AgentHeartbeat
                    {
                        AgentId = registration.AgentId,
                        InstanceId = registration.InstanceId,
                        Health = new AgentHealthCheck { Status = AgentHealthStatus.Healthy, Usage = new ResourceUsage { MemoryMb = MemoryMb } },
                        Timestamp = DateTimeOffset.UtcNow,
                    });
                    try { await Task.Delay(TimeSpan.FromMilliseconds(500), _stop.Token); } catch (OperationCanceledException) { }
                }
            });
            return this;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task An_agent_claiming_health_near_its_memory_limit_is_unhealthy_until_usage_falls()
    {
        var registration = TestBus.Registration("hungry"); // declares 512 MB
        await using var consumer = await _bus.ConsumeAgentQueueAsync("hungry");
        await _bus.RegisterAsync(registration);
        await using var beats = new Heartbeats(_bus, registration) { MemoryMb = 500 }.Start();

        var unhealthy = await _system.WaitForStateAsync("hungry", "Unhealthy", TimeSpan.FromSeconds(15));
        Assert.Equal("coordinator: memory 500 of 512 MB (98%)", unhealthy.StateReason);
        Assert.Equal("Healthy", unhealthy.Health.ReportedStatus);

        beats.MemoryMb = 420; // 82%: degraded, still some work
        Assert.StartsWith("coordinator: memory 420 of 512 MB", (await _system.WaitForStateAsync("hungry", "Degraded", TimeSpan.FromSeconds(15))).StateReason);
        beats.MemoryMb = 100;
        await _system.WaitForStateAsync("hungry", "Active", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_agent_heartbeating_with_no_consumer_on_its_queue_gets_no_work_until_one_appears()
    {
        var registration = TestBus.Registration("deaf");
        await _bus.RegisterAsync(registration);
        await using var beats = new Heartbeats(_bus, registration).Start();

        var unhealthy = await _system.WaitForStateAsync("deaf", "Unhealthy", TimeSpan.FromSeconds(15));
        Assert.StartsWith("coordinator: no consumer on agent-deaf", unhealthy.StateReason);

        await using var consumer = await _bus.ConsumeAgentQueueAsync("deaf");
        await _system.WaitForStateAsync("deaf", "Active", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_agent_deaf_for_long_is_failed_and_its_queued_work_moved()
    {
        var registration = TestBus.Registration("long-deaf");
        await _bus.RegisterAsync(registration);
        await using var beats = new Heartbeats(_bus, registration).Start();

        var failed = await _system.WaitForStateAsync("long-deaf", "Failed", TimeSpan.FromSeconds(30));

        Assert.Matches(@"^no consumer on agent-long-deaf for \d+\.\d s while it still heartbeats", failed.StateReason);
    }

    [Fact]
    public async Task An_agent_whose_errors_rise_well_above_its_own_baseline_is_degraded_and_recovers()
    {
        await _system.StartActiveAgentsAsync(("erratic", []));
        async Task RunAsync(int count, string type, string status)
        {
            var ids = new List<string>();
            for (var i = 0; i < count; i++)
                ids.Add(await _system.Api.SubmitAsync(new { taskType = type, payload = new { n = i } }));
            foreach (var id in ids)
                await _system.WaitForTaskAsync(id, status);
        }

        await RunAsync(30, "echo", "Completed"); // its baseline: no errors
        await RunAsync(10, "fail", "DeadLettered");

        var degraded = await _system.WaitForStateAsync("erratic", "Degraded", TimeSpan.FromSeconds(15));
        // Judged as the failures come in: at 50% or more against a baseline of none.
        Assert.Matches(@"^coordinator: error rate ([5-9]\d|100)% over its last 10 results against its own baseline of 0%$", degraded.StateReason);

        await RunAsync(10, "echo", "Completed");
        await _system.WaitForStateAsync("erratic", "Active", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Work_an_agent_takes_and_never_reports_on_is_failed_by_the_watchdog_after_its_deadline()
    {
        var registration = TestBus.Registration("black-hole"); // takes assignments off its queue, never answers
        await using var consumer = await _bus.ConsumeAgentQueueAsync("black-hole");
        await _bus.RegisterAsync(registration);
        await using var beats = new Heartbeats(_bus, registration).Start();
        await _system.WaitForStateAsync("black-hole", "Active", TimeSpan.FromSeconds(15));

        var id = await _system.Api.SubmitAsync(new { taskType = "echo", payload = "into the void" });

        var task = await _system.WaitForTaskAsync(id, "DeadLettered"); // TaskTimeout 3 s + grace 1 s, then no retries left
        Assert.Equal("black-hole", task.AgentId);
        Assert.Contains("no result from agent black-hole by", task.Error);
        Assert.Contains("presumed lost by the agent", task.Reason);
    }
}
