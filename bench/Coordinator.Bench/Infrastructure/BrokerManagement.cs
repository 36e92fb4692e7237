using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Coordinator.Bench.Infrastructure;

/// <summary>The RabbitMQ management HTTP API on 127.0.0.1:15672 (guest/guest): virtual hosts and queue inspection.</summary>
public sealed class BrokerManagement : IDisposable
{
    public const string Host = "127.0.0.1";

    readonly HttpClient _http = new()
    {
        BaseAddress = new Uri($"http://{Host}:15672/api/"),
        Timeout = TimeSpan.FromSeconds(15),
    };

    public BrokerManagement()
    {
        _http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
    }

    static string E(string segment) => Uri.EscapeDataString(segment);

    public async Task<string> BrokerVersionAsync()
    {
        var overview = await _http.GetFromJsonAsync<JsonElement>("overview");
        return overview.TryGetProperty("rabbitmq_version", out var v) ? v.GetString() ?? "?" : "?";
    }

    public async Task CreateVirtualHostAsync(string vhost)
    {
        (await _http.PutAsync($"vhosts/{E(vhost)}", null)).EnsureSuccessStatusCode();
        (await _http.PutAsJsonAsync($"permissions/{E(vhost)}/guest", new { configure = ".*", write = ".*", read = ".*" }))
            .EnsureSuccessStatusCode();
    }

    public async Task DeleteVirtualHostAsync(string vhost)
    {
        using var response = await _http.DeleteAsync($"vhosts/{E(vhost)}");
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            await Console.Error.WriteLineAsync($"could not delete virtual host {vhost}: {(int)response.StatusCode}");
    }

    /// <summary>How many consumers a queue has (0 when it does not exist yet).</summary>
    public async Task<int> ConsumersAsync(string vhost, string queue)
    {
        using var response = await _http.GetAsync($"queues/{E(vhost)}/{E(queue)}");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return 0;
        response.EnsureSuccessStatusCode();
        var q = await response.Content.ReadFromJsonAsync<JsonElement>();
        return q.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0;
    }

    public void Dispose() => _http.Dispose();
}
