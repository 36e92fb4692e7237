using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>A MassTransit bus in the test process, on the test's virtual host: plays agents that misbehave.</summary>
public sealed class TestBus : IAsyncDisposable
{
    readonly IBusControl _bus;

    TestBus(IBusControl bus) => _bus = bus;

    /// <summary>
    /// As the test's broker user, or as <paramref name="username"/> (an agent's own user, whose answers come to
    /// <paramref name="responsesQueue"/>: the only one besides its agent queue it may declare).
    /// </summary>
    public static async Task<TestBus> StartAsync(string virtualHost, string? username = null, string? password = null, string? responsesQueue = null)
    {
        var options = new RabbitMqOptions { VirtualHost = virtualHost };
        if (username is not null)
        {
            options.Username = username;
            options.Password = password!;
        }
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.UseCoordinatorBroker(options, "integration-test");
            if (responsesQueue is not null)
                cfg.OverrideDefaultBusEndpointQueueName(responsesQueue);
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await bus.StartAsync(cts.Token);
        return new TestBus(bus);
    }

    public async Task SendToCoordinatorAsync<T>(T message) where T : class
    {
        var endpoint = await _bus.GetSendEndpoint(new Uri($"exchange:{EntityNames.AgentControl}"));
        await endpoint.Send(message);
    }

    /// <summary>Publishes as any .NET client would (a submitted task goes to coordinator.tasks).</summary>
    public Task PublishAsync<T>(T message) where T : class => _bus.Publish(message);

    public async Task<Response<AgentRegistered, AgentRegistrationRejected>> RegisterAsync(RegisterAgent registration)
    {
        var client = _bus.CreateRequestClient<RegisterAgent>(new Uri($"exchange:{EntityNames.AgentControl}"), RequestTimeout.After(s: 30));
        return await client.GetResponse<AgentRegistered, AgentRegistrationRejected>(registration);
    }

    /// <summary>Sends to any address (<c>exchange:…</c> or <c>queue:…</c>), as a misbehaving client might.</summary>
    public async Task SendAsync<T>(Uri address, T message) where T : class
    {
        var endpoint = await _bus.GetSendEndpoint(address);
        await endpoint.Send(message);
    }

    /// <summary>Publishes the fault MassTransit publishes when a consumer of <paramref name="message"/> throws <paramref name="exception"/>.</summary>
    public Task PublishFaultAsync<T>(T message, Exception exception) where T : class
    {
        try
        {
            throw exception; // a thrown exception, with its stack, as a consumer's would be
        }
        catch (Exception thrown)
        {
            return _bus.Publish<Fault<T>>(new MassTransit.Events.FaultEvent<T>(message, NewId.NextGuid(), MassTransit.Metadata.HostMetadataCache.Host, thrown,
                [MessageUrn.ForTypeString<T>()]));
        }
    }

    /// <summary>Consumes (and drops) whatever arrives on an agent's queue, as a live agent's consumer would; dispose to stop.</summary>
    public Task<IAsyncDisposable> ConsumeAgentQueueAsync(string agentId) => ConsumeAgentQueueAsync(agentId, _ => Task.CompletedTask);

    /// <summary>Consumes the assignments that arrive on an agent's queue with <paramref name="onAssigned"/>; dispose to stop.</summary>
    public async Task<IAsyncDisposable> ConsumeAgentQueueAsync(string agentId, Func<AssignTask, Task> onAssigned)
    {
        var handle = _bus.ConnectReceiveEndpoint(EntityNames.AgentQueue(agentId), e => e.Handler<AssignTask>(c => onAssigned(c.Message)));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await handle.Ready.WaitAsync(cts.Token);
        return new StopsEndpoint(handle);
    }

    sealed class StopsEndpoint(HostReceiveEndpointHandle handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await handle.StopAsync(cts.Token);
        }
    }

    public static RegisterAgent Registration(string agentId, Guid? instanceId = null) => new()
    {
        AgentId = agentId,
        InstanceId = instanceId ?? Guid.NewGuid(),
        Capabilities = ["echo"],
        Resources = new AgentResources { CpuCores = 1, MemoryMb = 512, DiskMb = 100 },
        MaxConcurrentTasks = 2,
        Metadata = new AgentMetadata { AgentType = "test", HostName = "test-bus", ProcessId = Environment.ProcessId, StartedAt = DateTimeOffset.UtcNow },
        Timestamp = DateTimeOffset.UtcNow,
    };

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _bus.StopAsync(cts.Token);
    }
}
