using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;
using Coordinator.Testing.Fleet;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>
/// Issue 10 at CI's scale: 500 simulated agents (one process, each agent with its own queue and consumer, heartbeating at
/// 1 Hz) against a real coordinator on SQLite with the production detection settings. The fleet registers, heartbeats
/// steadily, then loses 50 agents to a kill and 20 to a freeze at once.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class When_a_fleet_of_hundreds_runs(ITestOutputHelper output) : IAsyncLifetime
{
    const int Agents = 500;
    static readonly TimeSpan Steady = TimeSpan.FromSeconds(20);
    static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(5);

    TestSystem _system = null!;
    FleetSimulator _fleet = null!;
    readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(4));

    public async Task InitializeAsync()
    {
        _system = await TestSystem.StartAsync();
        _fleet = new FleetSimulator(new FleetSimulatorOptions
        {
            VirtualHost = _system.VirtualHost,
            Prefix = "fleet",
            Agents = Agents,
            HeartbeatInterval = TestSystem.HeartbeatInterval,
            AgentsPerConnection = 100,
            RegistrationsPerSecond = 250,
        });
        await _fleet.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        await _system.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task It_registers_heartbeats_steadily_and_a_mass_kill_is_detected_with_no_false_failure_and_no_self_made_work()
    {
        var token = _timeout.Token;
        var registering = DateTimeOffset.UtcNow;
        await _fleet.WaitAllActiveAsync(TimeSpan.FromSeconds(90), token);
        output.WriteLine($"{Agents} agents Active {(DateTimeOffset.UtcNow - registering).TotalSeconds:0.0} s after the simulator was up");
        var listed = await _system.Api.AgentsAsync();
        Assert.Equal(Agents, listed.Count(a => a.State == "Active" && a.AgentId.StartsWith("fleet-", StringComparison.Ordinal)));

        // Steady heartbeats: the coordinator keeps up (its heartbeat queue never holds more than a second's worth) and
        // sends itself nothing, since nothing changes.
        var steadyFrom = DateTimeOffset.UtcNow;
        var deepest = 0u;
        for (var i = 0; i < (int)Steady.TotalSeconds; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), token); // a sampling period of the steady window, not a wait for a condition
            var depth = (await _fleet.DepthAsync(EntityNames.Heartbeats, token) ?? 0) + (await _fleet.DepthAsync(EntityNames.AgentControl, token) ?? 0);
            deepest = Math.Max(deepest, depth);
        }
        var steadyTo = DateTimeOffset.UtcNow;
        output.WriteLine($"steady {Steady.TotalSeconds:0} s: at most {deepest} heartbeats waiting");
        Assert.True(deepest < Agents, $"the coordinator fell behind: {deepest} heartbeats waited at once (one second's worth is {Agents})");
        var detection = (await _system.Api.MetricsAsync()).GetProperty("detection");
        var p99 = detection.GetProperty("heartbeatDelayMs").GetProperty("p99").GetDouble();
        output.WriteLine($"detection figures: {detection}");
        Assert.True(p99 <= 1000, $"heartbeat-to-registry p99 {p99:0} ms: {detection}");
        Assert.Empty(_fleet.Observed.Verdicts);
        var selfSteady = _fleet.Observed.SelfMessagesPerSecond(steadyFrom, steadyTo).Sum();
        Assert.True(selfSteady == 0, $"{selfSteady} messages sent to itself while nothing changed: " +
                                     string.Join(", ", _fleet.Observed.SelfMessagesByType.Select(p => $"{p.Key} {p.Value}")));

        // 50 killed (consumer gone) and 20 frozen (consumer kept), spread over every connection, at once.
        var killed = _fleet.Agents.Where(a => a.Index % 10 == 3).ToList();
        var frozen = _fleet.Agents.Where(a => a.Index % 25 == 7).ToList();
        var victims = killed.Concat(frozen).Select(a => a.AgentId).ToHashSet();
        var killedAt = DateTimeOffset.UtcNow;
        await _fleet.KillAsync(killed);
        _fleet.Silence(frozen);

        await Eventually.Until(() => Task.FromResult(_fleet.Observed.Verdicts.Where(v => v.State == "Failed").Select(v => v.AgentId).ToHashSet()),
            failed => victims.IsSubsetOf(failed), TimeSpan.FromSeconds(30), $"all {victims.Count} victims to be Failed", _system.Diagnostics);
        var failures = _fleet.Observed.Verdicts.Where(v => victims.Contains(v.AgentId) && v.State == "Failed").ToList();
        output.WriteLine($"{failures.Count} victims Failed; detection after the last heartbeat: max {failures.Max(v => v.Detection)?.TotalSeconds:0.00} s");
        foreach (var verdict in failures)
            Assert.True(verdict.Detection <= DetectionBound,
                $"{verdict.AgentId} failed {verdict.Detection?.TotalSeconds:0.00} s after its last heartbeat: {verdict.Reason}");
        Assert.All(killed, a => Assert.StartsWith($"no consumer on agent-{a.AgentId}",
            _fleet.Observed.Verdicts.First(v => v.AgentId == a.AgentId && v.State == "Failed").Reason));

        // A few more intervals of the survivors' heartbeats: still no verdict against any of them, every one Active.
        await Task.Delay(TestSystem.HeartbeatInterval * 5, token); // a sampling period after the kill, not a wait for a condition
        Assert.Empty(_fleet.Observed.FalseVerdicts);
        var survivors = (await _system.Api.AgentsAsync()).Where(a => a.AgentId.StartsWith("fleet-", StringComparison.Ordinal) && !victims.Contains(a.AgentId)).ToList();
        Assert.Equal(Agents - victims.Count, survivors.Count(a => a.State == "Active"));

        // What it sent itself from the kill on is bounded by the transitions it made: a few messages per failed agent.
        var selfAfter = _fleet.Observed.SelfMessagesPerSecond(killedAt, DateTimeOffset.UtcNow.AddSeconds(1)).Sum();
        output.WriteLine($"sent itself {selfAfter} messages after the kill: " + string.Join(", ", _fleet.Observed.SelfMessagesByType.Select(p => $"{p.Key} {p.Value}")));
        Assert.True(selfAfter <= 3 * victims.Count, $"{selfAfter} messages sent to itself for {victims.Count} transitions: " +
                                                    string.Join(", ", _fleet.Observed.SelfMessagesByType.Select(p => $"{p.Key} {p.Value}")));
        Assert.Equal(0, _fleet.Observed.PublishFailures);
    }
}
