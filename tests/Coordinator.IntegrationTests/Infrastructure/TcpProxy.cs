using System.Net;
using System.Net.Sockets;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP proxy the test owns, on loopback: what connects to <see cref="Port"/> reaches <c>127.0.0.1:</c><paramref name="target"/>.
/// <see cref="Partition"/> drops everything from then on, as a network partition does: no byte passes either way and no
/// connection is refused or closed, so the client only finds out by its own timeouts. <see cref="Heal"/> closes what the
/// partition held and lets new connections through again.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    readonly int _target;
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stopping = new();
    readonly List<TcpClient> _held = [];
    readonly Task _accepting;
    volatile bool _partitioned;

    public TcpProxy(int target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Partition() => _partitioned = true;

    public void Heal()
    {
        _partitioned = false;
        lock (_held)
        {
            foreach (var client in _held)
                client.Dispose();
            _held.Clear();
        }
    }

    async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_held)
                _held.Add(client);
            if (!_partitioned)
                _ = ForwardAsync(client);
        }
    }

    async Task ForwardAsync(TcpClient client)
    {
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stopping.Token);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream(), both.Token), PumpAsync(server.GetStream(), client.GetStream(), both.Token));
            both.Cancel();
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            if (!_partitioned)
            {
                client.Dispose(); // one side closed: close the other (a partitioned one is held until Heal)
                lock (_held)
                    _held.Remove(client);
            }
        }
    }

    /// <summary>Copies until either side closes; during a partition, reads on and drops what it read.</summary>
    async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                return;
            if (!_partitioned)
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            else
                await Task.Delay(Timeout.Infinite, cancellationToken); // nothing more passes; the connection hangs
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        await _accepting;
        Heal();
        _stopping.Dispose();
    }
}
