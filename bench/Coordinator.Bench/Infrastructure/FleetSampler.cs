using System.Net.Http.Json;
using System.Text.Json;

namespace Coordinator.Bench.Infrastructure;

/// <summary>
/// Counts the agents a coordinator runs, every half second, while a run goes on: registered ones that are live or draining
/// (they still cost) plus ones still starting. Agent-seconds are the count integrated over time: the fleet's cost.
/// </summary>
public sealed class FleetSampler(HttpClient api) : IAsyncDisposable
{
    static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    readonly CancellationTokenSource _stop = new();
    Task? _sampling;
    double _agentSeconds;
    int _max;

    public double AgentSeconds => _agentSeconds;
    public int MaxAgents => _max;

    public void Start() => _sampling = SampleAsync(_stop.Token);

    async Task SampleAsync(CancellationToken cancellationToken)
    {
        var last = DateTime.UtcNow;
        var count = await CountAsync(cancellationToken) ?? 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var now = DateTime.UtcNow;
            _agentSeconds += count * (now - last).TotalSeconds;
            last = now;
            count = await CountAsync(cancellationToken) ?? count;
            _max = Math.Max(_max, count);
        }
        _agentSeconds += count * (DateTime.UtcNow - last).TotalSeconds;
    }

    async Task<int?> CountAsync(CancellationToken cancellationToken)
    {
        try
        {
            var agents = await api.GetFromJsonAsync<JsonElement>("/api/agents", cancellationToken);
            var scaling = await api.GetFromJsonAsync<JsonElement>("/api/scaling", cancellationToken);
            var running = agents.EnumerateArray().Count(a => a.GetProperty("state").GetString() is "Active" or "Degraded" or "Unhealthy" or "Draining");
            var starting = scaling.GetProperty("agents").EnumerateArray().Count(a => a.GetProperty("phase").GetString() == "Starting");
            return running + starting;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Stops sampling (the figures stay); safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        if (_sampling is not null)
            await _sampling;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
