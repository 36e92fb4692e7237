using System.Collections.Concurrent;
using System.Text.Json;
using Coordinator.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Coordinator.Testing.Fleet;

/// <summary>
/// Many lightweight agents in one process, speaking to the coordinator only through the broker, as any AMQP client can:
/// each declares and consumes its own <c>agent-{id}</c> queue (a channel of its own; agents share a connection per
/// <see cref="FleetSimulatorOptions.AgentsPerConnection"/>), registers through MassTransit's envelope, heartbeats at its
/// interval (staggered across the fleet) once the coordinator has announced it, runs what it is assigned (sleep for the
/// payload's <c>ms</c>, then report), re-confirms its registration now and then beside a heartbeat, and registers
/// again when told its heartbeat was refused. A killed agent stops
/// heartbeating and loses its consumer, as a dead process does; a silenced one only stops heartbeating, as a frozen one.
/// Everything the coordinator says about the fleet is watched through queues of the simulator's own.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    static readonly TimeSpan ReRegisterAfter = TimeSpan.FromSeconds(5);
    static readonly TimeSpan StartedReportDelay = TimeSpan.FromMilliseconds(100);

    readonly FleetSimulatorOptions _options;
    readonly List<SimulatedAgent> _agents = [];
    readonly Dictionary<string, SimulatedAgent> _byId = new(StringComparer.Ordinal);
    readonly List<AgentGroup> _groups = [];
    readonly CancellationTokenSource _stop = new();
    readonly List<Task> _loops = [];
    readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    IConnection? _watcher;
    IChannel? _probe;
    readonly SemaphoreSlim _probeGate = new(1, 1);

    public FleetSimulator(FleetSimulatorOptions options)
    {
        _options = options;
        for (var i = 1; i <= options.Agents; i++)
        {
            var agent = new SimulatedAgent($"{options.Prefix}-{i}", i - 1);
            _agents.Add(agent);
            _byId[agent.AgentId] = agent;
        }
        Observed = new FleetObservations(_byId);
    }

    public IReadOnlyList<SimulatedAgent> Agents => _agents;

    public FleetObservations Observed { get; }

    public SimulatedAgent this[string agentId] => _byId[agentId];

    /// <summary>Connects, declares every agent's queue, starts the watchers and the heartbeat loops, and sends the registrations (paced).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _watcher = await Factory("fleet-sim-watcher").CreateConnectionAsync(cancellationToken);
        var watch = await _watcher.CreateChannelAsync(cancellationToken: cancellationToken);
        await WatchAsync(watch, EntityNames.AgentEvents, $"fleet-sim-events-{_tag}", Observed.OnAgentEvent, cancellationToken);
        await WatchAsync(watch, EntityNames.AgentHealth, $"fleet-sim-health-{_tag}", Observed.OnSelfMessage, cancellationToken);
        _probe = await _watcher.CreateChannelAsync(cancellationToken: cancellationToken);

        foreach (var chunk in _agents.Chunk(_options.AgentsPerConnection))
        {
            var connection = await Factory($"fleet-sim-{_groups.Count + 1}").CreateConnectionAsync(cancellationToken);
            var group = new AgentGroup(this, connection, await connection.CreateChannelAsync(cancellationToken: cancellationToken), chunk);
            _groups.Add(group);
            foreach (var agent in chunk)
                await group.OpenAsync(agent, cancellationToken);
        }
        foreach (var group in _groups)
            _loops.Add(Task.Run(() => group.HeartbeatLoopAsync(_stop.Token), CancellationToken.None));

        var pace = TimeSpan.FromSeconds(1.0 / Math.Max(1, _options.RegistrationsPerSecond));
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < _agents.Count; i++)
        {
            var due = started + pace * i;
            if (due - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, cancellationToken);
            await RegisterAsync(_agents[i], cancellationToken);
        }
    }

    /// <summary>Waits (bounded) until the coordinator has announced every agent Active.</summary>
    public async Task WaitAllActiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (_agents.Any(a => a.State != "Active"))
        {
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"after {timeout.TotalSeconds:0} s, {_agents.Count(a => a.State == "Active")} of {_agents.Count} " +
                                           $"simulated agents are Active; first not: {string.Join(", ", _agents.Where(a => a.State != "Active").Take(5).Select(a => $"{a.AgentId} ({a.State ?? "no state"})"))}; " +
                                           $"verdicts seen: {Observed.Verdicts.Count} (first: {Observed.Verdicts.FirstOrDefault()}); " +
                                           $"publish failures: {Observed.PublishFailures} (last: {Observed.LastPublishFailure ?? "none"}); heartbeats refused: {Observed.HeartbeatsRejected}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>As <c>kill -9</c>: heartbeats stop and the agents' consumers go with their channels; what they held is lost.</summary>
    public async Task KillAsync(IEnumerable<SimulatedAgent> agents)
    {
        var now = DateTimeOffset.UtcNow;
        var victims = agents.ToList();
        foreach (var agent in victims)
        {
            agent.StoppedAt = now;
            agent.Killed = true;
        }
        foreach (var group in _groups)
            await group.CloseAsync(victims);
    }

    /// <summary>As a frozen process: heartbeats stop, the consumer stays.</summary>
    public void Silence(IEnumerable<SimulatedAgent> agents)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var agent in agents)
            agent.StoppedAt = now;
    }

    /// <summary>Messages waiting in a queue, by a passive declare (exact at once, unlike the management statistics); null when it does not exist.</summary>
    public async Task<uint?> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            if (_probe is not { IsOpen: true })
                _probe = await (_watcher ?? throw new InvalidOperationException("not started")).CreateChannelAsync(cancellationToken: cancellationToken);
            return (await _probe.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null;
        }
        finally
        {
            _probeGate.Release();
        }
    }

    ConnectionFactory Factory(string name) => new()
    {
        HostName = _options.Host,
        Port = _options.Port,
        VirtualHost = _options.VirtualHost,
        UserName = _options.Username,
        Password = _options.Password,
        ClientProvidedName = name,
        AutomaticRecoveryEnabled = false,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
    };

    async Task WatchAsync(IChannel channel, string exchange, string queue, Action<string, JsonElement> observe, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, exchange, "", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (MassTransitEnvelope.Read(delivery.Body.Span) is var (type, message))
                observe(type, message);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);
    }

    internal async Task RegisterAsync(SimulatedAgent agent, CancellationToken cancellationToken)
    {
        agent.LastRegistration = DateTimeOffset.UtcNow;
        await GroupOf(agent).PublishAsync(EntityNames.AgentControl, new RegisterAgent
        {
            AgentId = agent.AgentId,
            InstanceId = agent.InstanceId,
            Capabilities = _options.Capabilities,
            Resources = new AgentResources { CpuCores = 2, MemoryMb = 4096, DiskMb = 10240 },
            MaxConcurrentTasks = _options.Concurrency,
            Metadata = new AgentMetadata
            {
                AgentType = "simulated",
                Version = "1.0.0",
                StartedAt = DateTimeOffset.UtcNow,
                HostName = Environment.MachineName,
                ProcessId = Environment.ProcessId,
            },
            Timestamp = DateTimeOffset.UtcNow,
        }, persistent: true, cancellationToken);
    }

    AgentGroup GroupOf(SimulatedAgent agent) => _groups[agent.Index / _options.AgentsPerConnection];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }
        foreach (var group in _groups)
            await group.DisposeAsync();
        if (_watcher is not null)
        {
            await _watcher.CloseAsync(TimeSpan.FromSeconds(5));
            _watcher.Dispose();
        }
        _stop.Dispose();
        _probeGate.Dispose();
    }

    /// <summary>One connection's agents: their channels (one consumer each), one channel to publish on, one heartbeat loop.</summary>
    sealed class AgentGroup(FleetSimulator fleet, IConnection connection, IChannel publisher, SimulatedAgent[] agents) : IAsyncDisposable
    {
        readonly SemaphoreSlim _publishGate = new(1, 1);
        readonly ConcurrentDictionary<string, IChannel> _channels = new(StringComparer.Ordinal);

        public async Task OpenAsync(SimulatedAgent agent, CancellationToken cancellationToken)
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var queue = EntityNames.AgentQueue(agent.AgentId);
            // As MassTransit declares a queue it sends to: a durable fanout exchange of the same name, bound to a durable queue.
            await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, queue, "", cancellationToken: cancellationToken);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => ReceiveAsync(agent, delivery.Body.ToArray());
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer, cancellationToken);
            _channels[agent.AgentId] = channel;
        }

        public async Task CloseAsync(IEnumerable<SimulatedAgent> victims)
        {
            foreach (var agent in victims)
            {
                if (_channels.TryRemove(agent.AgentId, out var channel))
                {
                    await channel.CloseAsync();
                    channel.Dispose();
                }
            }
        }

        public async Task PublishAsync<T>(string exchange, T message, bool persistent, CancellationToken cancellationToken) where T : class
        {
            var now = DateTimeOffset.UtcNow;
            var body = MassTransitEnvelope.Write(message, now);
            var properties = new BasicProperties
            {
                ContentType = MassTransitEnvelope.ContentType,
                DeliveryMode = persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
                MessageId = Guid.NewGuid().ToString(),
            };
            await _publishGate.WaitAsync(cancellationToken);
            try
            {
                await publisher.BasicPublishAsync(exchange, "", mandatory: false, properties, body, cancellationToken);
            }
            finally
            {
                _publishGate.Release();
            }
        }

        /// <summary>Each agent heartbeats at the interval from a start spread over the fleet, once the coordinator has announced it.</summary>
        public async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
        {
            var interval = fleet._options.HeartbeatInterval;
            var start = DateTimeOffset.UtcNow;
            foreach (var agent in agents)
                agent.NextHeartbeat = start + interval * agent.Index / Math.Max(1, fleet._agents.Count);
            using var timer = new PeriodicTimer(Tick);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var agent in agents)
                {
                    if (agent.NextHeartbeat > now)
                        continue;
                    agent.NextHeartbeat += interval;
                    if (agent.NextHeartbeat < now)
                        agent.NextHeartbeat = now + interval; // fell behind: no burst to catch up
                    if (!agent.Heartbeating)
                        continue;
                    try
                    {
                        await PublishAsync(EntityNames.Heartbeats, new AgentHeartbeat
                        {
                            AgentId = agent.AgentId,
                            InstanceId = agent.InstanceId,
                            Health = new AgentHealthCheck
                            {
                                Status = AgentHealthStatus.Healthy,
                                Usage = new ResourceUsage { CpuPercent = 5, MemoryMb = 256, DiskMb = 100 },
                                ActiveTasks = agent.ActiveTasks,
                                LastHeartbeat = now,
                            },
                            Timestamp = now,
                        }, persistent: false, cancellationToken);
                        agent.HeartbeatSent(now);
                        if (now - agent.LastRegistration >= fleet._options.RegistrationRefresh)
                            await fleet.RegisterAsync(agent, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        fleet.Observed.PublishFailed(ex.Message);
                    }
                }
            }
        }

        async Task ReceiveAsync(SimulatedAgent agent, byte[] body)
        {
            if (agent.Killed || MassTransitEnvelope.Read(body) is not var (type, message))
                return;
            var cancellationToken = fleet._stop.Token;
            switch (type)
            {
                case nameof(AssignTask):
                    var assignment = MassTransitEnvelope.Message<AssignTask>(message)!;
                    fleet.Observed.Assigned(agent, assignment);
                    _ = Task.Run(() => RunAsync(agent, assignment, cancellationToken), CancellationToken.None);
                    break;
                case nameof(ReleaseAssignment):
                    var release = MassTransitEnvelope.Message<ReleaseAssignment>(message)!;
                    await PublishAsync(EntityNames.TaskEvents, new AssignmentReleased
                    {
                        TaskId = release.TaskId,
                        AgentId = agent.AgentId,
                        Attempt = release.Attempt,
                        Released = false,
                        Reason = "a simulated agent starts what it is given at once",
                        Timestamp = DateTimeOffset.UtcNow,
                    }, persistent: true, cancellationToken);
                    break;
                case nameof(AgentHeartbeatRejected):
                    fleet.Observed.Rejected(agent);
                    if (DateTimeOffset.UtcNow - agent.LastRegistration > ReRegisterAfter)
                        await fleet.RegisterAsync(agent, cancellationToken);
                    break;
            }
        }

        async Task RunAsync(SimulatedAgent agent, AssignTask assignment, CancellationToken cancellationToken)
        {
            var startedAt = DateTimeOffset.UtcNow;
            var duration = assignment.Payload is { ValueKind: JsonValueKind.Object } payload && payload.TryGetProperty("ms", out var ms)
                                                                                              && ms.TryGetInt32(out var milliseconds)
                ? TimeSpan.FromMilliseconds(milliseconds)
                : TimeSpan.Zero;
            agent.TaskBegan();
            try
            {
                if (duration >= StartedReportDelay)
                {
                    await PublishAsync(EntityNames.TaskEvents, new TaskStarted
                    {
                        TaskId = assignment.TaskId, AgentId = agent.AgentId, Attempt = assignment.Attempt, Timestamp = startedAt,
                    }, persistent: true, cancellationToken);
                }
                if (duration > TimeSpan.Zero)
                    await Task.Delay(duration, cancellationToken);
                if (agent.Killed)
                    return; // died with it
                await PublishAsync(EntityNames.TaskEvents, new TaskCompleted
                {
                    TaskId = assignment.TaskId,
                    AgentId = agent.AgentId,
                    Attempt = assignment.Attempt,
                    Result = assignment.Payload,
                    DurationMs = (DateTimeOffset.UtcNow - startedAt).TotalMilliseconds,
                    StartedAt = startedAt,
                    Timestamp = DateTimeOffset.UtcNow,
                }, persistent: true, cancellationToken);
                fleet.Observed.Completed(agent, assignment);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                fleet.Observed.PublishFailed(ex.Message);
            }
            finally
            {
                agent.TaskEnded();
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is IOException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
            {
            }
            connection.Dispose();
            _publishGate.Dispose();
        }
    }
}
