using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Resources;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Coordinator.UnitTests.Agents;

/// <summary>A fresh in-memory harness per test, running the production state machine and activities.</summary>
public abstract class AgentSagaScenario : IAsyncLifetime
{
    protected readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    ServiceProvider _provider = null!;

    protected ITestHarness Harness { get; private set; } = null!;
    protected ISagaStateMachineTestHarness<AgentStateMachine, AgentState> Saga { get; private set; } = null!;
    protected AgentStateMachine Machine { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(new ResourceLimitsOptions())
            .AddAgentServices();
        services.AddMassTransitTestHarness(x =>
        {
            x.AddSagaStateMachine<AgentStateMachine, AgentState>().InMemoryRepository();
        });
        _provider = services.BuildServiceProvider(true);
        Harness = _provider.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromSeconds(5);
        // Each scenario is a few quick steps: inactivity must not end the harness's waits between them.
        Harness.TestInactivityTimeout = TimeSpan.FromSeconds(5);
        await Harness.Start();
        Saga = Harness.GetSagaStateMachineHarness<AgentStateMachine, AgentState>();
        Machine = Saga.StateMachine;
    }

    public async Task DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }

    protected static Guid Id(string agentId) => AgentIdentity.CorrelationIdOf(agentId);

    protected RegisterAgent Registration(string agentId, Guid? instanceId = null) => new()
    {
        AgentId = agentId,
        InstanceId = instanceId ?? Guid.NewGuid(),
        Capabilities = ["echo", "sleep"],
        Resources = new AgentResources { CpuCores = 2, MemoryMb = 2048, DiskMb = 1024 },
        MaxConcurrentTasks = 4,
        Metadata = new AgentMetadata { AgentType = "test", HostName = "host-1", ProcessId = 42, StartedAt = Time.GetUtcNow() },
        Timestamp = Time.GetUtcNow(),
    };

    long _heartbeats;

    /// <summary>
    /// What the heartbeat consumer forwards to the state machine for a heartbeat that matters (a status change, or a sign
    /// of life after silence): heard now, the agent's latest.
    /// </summary>
    protected AgentHealthReported Report(RegisterAgent registration, AgentHealthStatus status = AgentHealthStatus.Healthy, int activeTasks = 0)
    {
        Time.Advance(TimeSpan.FromMilliseconds(10));
        return new AgentHealthReported
        {
            AgentId = registration.AgentId,
            InstanceId = registration.InstanceId,
            Health = new AgentHealthCheck
            {
                Status = status,
                Usage = new ResourceUsage { CpuPercent = 12.5, MemoryMb = 300, DiskMb = 5 },
                ActiveTasks = activeTasks,
                LastHeartbeat = Time.GetUtcNow(),
                ErrorCount = 1,
            },
            LastHeartbeat = Time.GetUtcNow(),
            SentAt = Time.GetUtcNow(),
            HeartbeatCount = ++_heartbeats,
            Timestamp = Time.GetUtcNow(),
        };
    }

    /// <summary>Registers an agent and waits until it is Active.</summary>
    protected async Task<RegisterAgent> RegisteredAgent(string agentId)
    {
        var registration = Registration(agentId);
        await Harness.Bus.Publish(registration);
        Assert.NotNull(await Saga.Exists(Id(agentId), Machine.Active));
        return registration;
    }

    /// <summary>Publishes and waits until the saga has consumed it (and everything it caused has settled).</summary>
    protected async Task Deliver<T>(T message) where T : class
    {
        var messageId = NewId.NextGuid();
        await Harness.Bus.Publish(message, ctx => ctx.MessageId = messageId);
        Assert.True(await Harness.Consumed.Any<T>(x => x.Context.MessageId == messageId), $"{typeof(T).Name} was not consumed");
    }

    protected AgentState Instance(string agentId) =>
        Saga.Sagas.Contains(Id(agentId)) ?? throw new InvalidOperationException($"no saga for {agentId}");

    /// <summary>After the bus has settled, nothing published may be a Fault.</summary>
    protected Task AssertNoFaults()
    {
        using var settled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var faults = Harness.Published.Select(m => m.MessageObject is Fault, settled.Token).ToList();
        Assert.True(faults.Count == 0, "faults published: " + string.Join("; ", faults.Select(f => f.MessageType.Name)));
        return Task.CompletedTask;
    }

    /// <summary>The messages of one type published so far, once the bus has settled.</summary>
    protected Task<List<T>> PublishedSoFar<T>() where T : class
    {
        using var settled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        return Task.FromResult(Harness.Published.Select(m => m.MessageObject is T, settled.Token).Select(m => (T)m.MessageObject).ToList());
    }
}
