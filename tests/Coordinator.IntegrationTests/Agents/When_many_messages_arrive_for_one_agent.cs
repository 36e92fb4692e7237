using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Agents;

/// <summary>
/// The EF Core saga repository under contention: many heartbeats for one agent, consumed by two
/// coordinators sharing one database (SQLite file or PostgreSQL). Within a coordinator one agent's
/// messages are partitioned; between coordinators only optimistic concurrency and retry keep them
/// apart. No update may be lost: the saga's heartbeat count equals the number sent.
/// </summary>
public sealed class When_many_messages_arrive_for_one_agent
{
    const int Heartbeats = 300;

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
        await Task.WhenAll(Enumerable.Range(0, Heartbeats).Select(i => bus.SendToCoordinatorAsync(new AgentHeartbeat
        {
            AgentId = registration.AgentId,
            InstanceId = registration.InstanceId,
            Health = new AgentHealthCheck { Status = AgentHealthStatus.Healthy, ActiveTasks = i % 5, LastHeartbeat = start.AddMilliseconds(i) },
            Timestamp = start.AddMilliseconds(i),
        })));

        var agent = await Eventually.Until(() => system.Api.AgentAsync("contended"), a => a?.Health.HeartbeatCount >= Heartbeats,
            TimeSpan.FromSeconds(90), $"{Heartbeats} heartbeats counted ({system.DatabaseDescription}, {coordinators} coordinator(s))",
            system.Diagnostics);
        Assert.Equal(Heartbeats, agent!.Health.HeartbeatCount);
        // The newest report wins whatever order they were consumed in.
        Assert.Equal((Heartbeats - 1) % 5, agent.ActiveTasks);
        var errors = await system.Broker.GetQueueAsync(system.VirtualHost, EntityNames.AgentControl + "_error");
        Assert.True(errors is null or { Messages: 0 }, "no heartbeat ended in the error queue");
    }
}
