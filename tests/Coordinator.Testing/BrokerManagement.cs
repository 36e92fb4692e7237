using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Coordinator.Testing;

/// <summary>
/// The RabbitMQ management HTTP API on 127.0.0.1:15672 (or another node's port), as an operator (or a non-.NET client) would use it.
/// </summary>
public sealed class BrokerManagement : IDisposable
{
    public const string Host = "127.0.0.1";

    readonly HttpClient _http;

    public BrokerManagement(int port = 15672)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://{Host}:{port}/api/"), Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
    }

    static string E(string segment) => Uri.EscapeDataString(segment);

    public async Task CreateVirtualHostAsync(string vhost)
    {
        (await _http.PutAsync($"vhosts/{E(vhost)}", null)).EnsureSuccessStatusCode();
        (await _http.PutAsJsonAsync($"permissions/{E(vhost)}/guest", new { configure = ".*", write = ".*", read = ".*" }))
            .EnsureSuccessStatusCode();
    }

    /// <summary>Best effort: a virtual host already gone is fine.</summary>
    public async Task DeleteVirtualHostAsync(string vhost)
    {
        using var _ = await _http.DeleteAsync($"vhosts/{E(vhost)}");
    }

    /// <summary>
    /// Makes a broker user with <paramref name="tags"/> (administrator, say) and every permission in <paramref name="vhost"/>;
    /// returns its password, new and random.
    /// </summary>
    public async Task<string> CreateUserAsync(string vhost, string username, string tags)
    {
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        (await _http.PutAsJsonAsync($"users/{E(username)}", new { password, tags })).EnsureSuccessStatusCode();
        (await _http.PutAsJsonAsync($"permissions/{E(vhost)}/{E(username)}", new { configure = ".*", write = ".*", read = ".*" }))
            .EnsureSuccessStatusCode();
        return password;
    }

    /// <summary>Best effort: deletes every broker user whose name starts with <paramref name="prefix"/> (a test's agents' own users).</summary>
    public async Task DeleteUsersAsync(string prefix)
    {
        try
        {
            var users = await _http.GetFromJsonAsync<JsonElement>("users?columns=name");
            foreach (var name in users.EnumerateArray().Select(u => u.GetProperty("name").GetString() ?? "").Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
                using (await _http.DeleteAsync($"users/{E(name)}")) { }
        }
        catch (HttpRequestException)
        {
        }
    }

    /// <summary>The client connections of a virtual host: name (the client's), whether TLS, protocol.</summary>
    public async Task<IReadOnlyList<(string Name, bool Ssl, string Protocol, string User)>> ConnectionsAsync(string vhost)
    {
        var connections = await _http.GetFromJsonAsync<JsonElement>($"vhosts/{E(vhost)}/connections");
        return [.. connections.EnumerateArray().Select(c => (
            Name: c.TryGetProperty("client_properties", out var p) && p.TryGetProperty("connection_name", out var n) ? n.GetString() ?? "" : "",
            Ssl: c.TryGetProperty("ssl", out var ssl) && ssl.ValueKind == JsonValueKind.True,
            Protocol: c.TryGetProperty("protocol", out var protocol) ? protocol.GetString() ?? "" : "",
            User: c.TryGetProperty("user", out var user) ? user.GetString() ?? "" : ""))];
    }

    public async Task<string> BrokerVersionAsync()
    {
        var overview = await _http.GetFromJsonAsync<JsonElement>("overview");
        return overview.TryGetProperty("rabbitmq_version", out var v) ? v.GetString() ?? "?" : "?";
    }

    /// <summary>Publishes a raw message, as from the management UI; returns whether the broker routed it.</summary>
    public async Task<bool> PublishAsync(string vhost, string exchange, string payload, string contentType = "application/json",
        IDictionary<string, object>? headers = null)
    {
        var response = await _http.PostAsJsonAsync($"exchanges/{E(vhost)}/{E(exchange)}/publish", new
        {
            properties = new Dictionary<string, object>
            {
                ["content_type"] = contentType,
                ["delivery_mode"] = 2,
                ["headers"] = headers ?? new Dictionary<string, object>(),
            },
            routing_key = "",
            payload,
            payload_encoding = "string",
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("routed").GetBoolean();
    }

    public async Task DeclareQueueAsync(string vhost, string queue) =>
        (await _http.PutAsJsonAsync($"queues/{E(vhost)}/{E(queue)}", new { durable = false, auto_delete = false })).EnsureSuccessStatusCode();

    public async Task DeclareFanoutExchangeAsync(string vhost, string exchange) =>
        (await _http.PutAsJsonAsync($"exchanges/{E(vhost)}/{E(exchange)}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();

    public async Task BindQueueAsync(string vhost, string exchange, string queue) =>
        (await _http.PostAsJsonAsync($"bindings/{E(vhost)}/e/{E(exchange)}/q/{E(queue)}", new { routing_key = "" })).EnsureSuccessStatusCode();

    /// <summary>Deletes a queue outright, consumers and all (what an operator might do in the management UI).</summary>
    public async Task DeleteQueueAsync(string vhost, string queue) =>
        (await _http.DeleteAsync($"queues/{E(vhost)}/{E(queue)}")).EnsureSuccessStatusCode();

    /// <summary>Takes up to <paramref name="count"/> messages off a queue (acknowledged, not requeued).</summary>
    public async Task<IReadOnlyList<BrokerMessage>> GetMessagesAsync(string vhost, string queue, int count = 100)
    {
        var response = await _http.PostAsJsonAsync($"queues/{E(vhost)}/{E(queue)}/get",
            new { count, ackmode = "ack_requeue_false", encoding = "auto", truncate = 100_000 });
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        var items = await response.Content.ReadFromJsonAsync<JsonElement>();
        return items.EnumerateArray().Select(m => new BrokerMessage(
            m.GetProperty("payload").GetString() ?? "",
            m.GetProperty("properties").TryGetProperty("headers", out var h) ? h.Clone() : default)).ToList();
    }

    /// <summary>A queue's message count and consumers, or null when it does not exist.</summary>
    public async Task<QueueInfo?> GetQueueAsync(string vhost, string queue)
    {
        var response = await _http.GetAsync($"queues/{E(vhost)}/{E(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        var q = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new QueueInfo(
            q.TryGetProperty("messages", out var m) ? m.GetInt32() : 0,
            q.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0,
            q.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "");
    }

    public void Dispose() => _http.Dispose();
}

public sealed record BrokerMessage(string Payload, JsonElement Headers);

public sealed record QueueInfo(int Messages, int Consumers, string Type = "");
