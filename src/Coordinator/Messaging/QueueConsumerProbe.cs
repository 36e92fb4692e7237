using Coordinator.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Coordinator.Messaging;

/// <summary>
/// Asks the broker how many consumers and ready messages a queue has, with a passive declare on a connection of
/// its own. The answer comes from the queue itself, at once (the management API's counts lag by its statistics
/// interval): an agent whose process died or whose connection dropped has no consumer the moment the broker
/// notices, and the backlog's depth is exact even when the management statistics fall behind under load.
/// </summary>
public sealed partial class QueueConsumerProbe(RabbitMqOptions options, ILogger<QueueConsumerProbe> logger) : IAsyncDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    readonly SemaphoreSlim _gate = new(1, 1);
    IConnection? _connection;
    IChannel? _channel;

    /// <summary>Consumers on the queue (0 when it does not exist); null when the broker cannot be asked.</summary>
    public async Task<int?> ConsumersAsync(string queue, CancellationToken cancellationToken) =>
        (await InspectAsync(queue, cancellationToken))?.Consumers;

    /// <summary>Messages ready in the queue (0 when it does not exist); null when the broker cannot be asked.</summary>
    public async Task<int?> ReadyMessagesAsync(string queue, CancellationToken cancellationToken) =>
        (await InspectAsync(queue, cancellationToken))?.Messages;

    /// <summary>The queue's ready messages and consumers (both 0 when it does not exist); null when the broker cannot be asked.</summary>
    public async Task<QueueCounts?> InspectAsync(string queue, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var channel = await ChannelAsync(timeout.Token);
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(queue, timeout.Token);
                return new QueueCounts((int)declared.MessageCount, (int)declared.ConsumerCount);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
                await DropChannelAsync(); // the broker closes a channel that asked for a missing queue
                return new QueueCounts(0, 0);
            }
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or IOException
                                       || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(queue, ex.Message);
            await DropConnectionAsync();
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_connection is not { IsOpen: true })
        {
            await DropConnectionAsync();
            var factory = new ConnectionFactory
            {
                VirtualHost = options.VirtualHost,
                UserName = options.Username,
                Password = options.Password,
                AutomaticRecoveryEnabled = false, // reconnected here, on the next probe
                RequestedConnectionTimeout = Timeout,
                ClientProvidedName = "coordinator-consumer-probe",
            };
            // The first of the nodes that answers (any node of a cluster answers for every queue).
            _connection = await factory.CreateConnectionAsync(options.Cluster.Select(n => new AmqpTcpEndpoint(n.Host, n.Port, BrokerTls.For(options, n))).ToList(), cancellationToken);
        }
        if (_channel is not { IsOpen: true })
            _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return _channel;
    }

    async Task DropChannelAsync()
    {
        var channel = _channel;
        _channel = null;
        await DisposeQuietlyAsync(channel);
    }

    async Task DropConnectionAsync()
    {
        await DropChannelAsync();
        var connection = _connection;
        _connection = null;
        await DisposeQuietlyAsync(connection);
    }

    /// <summary>Closing what the broker already broke may throw again; it is being thrown away either way.</summary>
    static async Task DisposeQuietlyAsync(IAsyncDisposable? disposable)
    {
        try
        {
            if (disposable is not null)
                await disposable.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationInterruptedException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropConnectionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not probe queue {Queue} for consumers: {Error}")]
    partial void LogUnavailable(string queue, string error);
}
