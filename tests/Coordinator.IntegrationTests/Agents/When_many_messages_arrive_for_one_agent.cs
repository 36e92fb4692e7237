using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>
/// The EF Core saga repository under contention: many reports for one agent (what the heartbeat consumer forwards to the
/// state machine), consumed by two coordinators sharing one database (SQLite file or PostgreSQL). Within a coordinator
/// one agent's messages are partitioned; between coordinators only optimistic concurrency and retry keep them apart. No
/// update may be lost: the saga ends with the newest report (the highest count, its load), whatever order they landed in.
/// </summary>
public sealed class When_many_messages_arrive_for_one_agent
{
    const int Reports = 300;

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    public async Task No_update_is_lost(bool postgres, int coordinators)
    {
        await using var system = await TestSystem.StartAsync(postgres);
        for (var i = 2; i <= coordinators; i++)
            await system.StartCoordinatorAsync($"coordinator {i}");
        await using var bus = await TestBus.StartAsync(system.VirtualHost);
        var registration = TestBus.Registration("contended");
        var answer = await bus.RegisterAsync(registration);
        Assert.True(answer.Is(out MassTransit.Response<AgentRegistered>? _), "registration accepted");

        var start = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, Reports).Select(i => bus.PublishAsync(new AgentHealthReported
        {
            AgentId = registration.AgentId,
            InstanceId = registration.InstanceId,
            Health = new AgentHealthCheck { Status = AgentHealthStatus.Healthy, ActiveTasks = 1 + i % 5, LastHeartbeat = start.AddMilliseconds(i) },
            LastHeartbeat = start.AddMilliseconds(i),
            SentAt = start.AddMilliseconds(i),
            HeartbeatCount = i + 1,
            Timestamp = start.AddMilliseconds(i),
        })));

        var agent = await Eventually.Until(() => system.Api.AgentAsync("contended"), a => a?.Health.HeartbeatCount >= Reports,
            TimeSpan.FromSeconds(90), $"the newest of {Reports} reports held ({system.DatabaseDescription}, {coordinators} coordinator(s))",
            system.Diagnostics);
        Assert.Equal(Reports, agent!.Health.HeartbeatCount);
        // The newest report wins whatever order they were consumed in.
        Assert.Equal(1 + (Reports - 1) % 5, agent.ActiveTasks);
        var errors = await system.Broker.GetQueueAsync(system.VirtualHost, EntityNames.AgentControl + "_error");
        Assert.True(errors is null or { Messages: 0 }, "no heartbeat ended in the error queue");
    }
}
