using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordinator.Hosting;

namespace Coordinator.Messaging;

/// <summary>
/// Queue inspection and clean-up through the broker's management HTTP API: any node of a cluster answers for all of it, so a
/// node that does not answer is passed over for the next, and the one that answered is asked first next time.
/// </summary>
public sealed class BrokerQueues(IHttpClientFactory httpFactory, RabbitMqOptions options)
{
    int _preferred;

    HttpClient Client(BrokerNode node)
    {
        var http = httpFactory.CreateClient(nameof(BrokerQueues));
        http.Timeout = TimeSpan.FromSeconds(5);
        http.BaseAddress = new Uri($"http://{node.Host}:{node.ManagementPort}/api/");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        return http;
    }

    /// <summary>One request, to the node that answered last, then to each other node in turn while the one asked cannot answer.</summary>
    async Task<HttpResponseMessage> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        var nodes = options.Cluster;
        var first = Volatile.Read(ref _preferred) % nodes.Count;
        for (var tried = 1; ; tried++)
        {
            var index = (first + tried - 1) % nodes.Count;
            try
            {
                var response = await send(Client(nodes[index]));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && tried < nodes.Count)
                {
                    response.Dispose(); // a node starting or stopping
                    continue;
                }
                Volatile.Write(ref _preferred, index);
                return response;
            }
            catch (Exception ex) when (tried < nodes.Count && (ex is HttpRequestException || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }
        }
    }

    string QueuePath(string queue) => $"queues/{Uri.EscapeDataString(options.VirtualHost)}/{Uri.EscapeDataString(queue)}";

    /// <summary>Messages ready in a queue; null when the broker cannot be asked.</summary>
    public async Task<int?> DepthAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(http => http.GetAsync(QueuePath(queue), cancellationToken), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return 0;
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return body.TryGetProperty("messages_ready", out var ready) ? ready.GetInt32() : 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Takes every ready message off a queue (acknowledged), in batches, at most <paramref name="limit"/>; returns their bodies.</summary>
    public async Task<IReadOnlyList<string>> DrainAsync(string queue, int limit, CancellationToken cancellationToken)
    {
        var bodies = new List<string>();
        while (bodies.Count < limit)
        {
            var batch = new { count = Math.Min(100, limit - bodies.Count), ackmode = "ack_requeue_false", encoding = "auto" };
            using var response = await SendAsync(http => http.PostAsJsonAsync($"{QueuePath(queue)}/get", batch, cancellationToken), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
                break;
            response.EnsureSuccessStatusCode();
            var messages = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var before = bodies.Count;
            bodies.AddRange(messages.EnumerateArray().Select(m => m.GetProperty("payload").GetString() ?? ""));
            if (bodies.Count == before)
                break;
        }
        return bodies;
    }

    /// <summary>
    /// Deletes a queue only while it has no consumer and no message, as the queue itself sees it at that moment
    /// (not the lagging statistics). True when the queue is gone; false while it is in use or not empty.
    /// </summary>
    public async Task<bool> DeleteIfUnusedAsync(string queue, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http => http.DeleteAsync($"{QueuePath(queue)}?if-unused=true&if-empty=true", cancellationToken),
            cancellationToken);
        // 400 carries the broker's reason; either way the queue stays and is tried again.
        if (response.StatusCode == HttpStatusCode.BadRequest)
            return false; // "in use" or "not empty"
        if (response.StatusCode != HttpStatusCode.NotFound)
            response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>
    /// Closes this virtual host's connections that go by <paramref name="connectionName"/> (the name a client gave its
    /// connection), telling them <paramref name="reason"/>; how many were closed.
    /// </summary>
    public async Task<int> CloseConnectionsAsync(string connectionName, string reason, CancellationToken cancellationToken)
    {
        var path = $"vhosts/{Uri.EscapeDataString(options.VirtualHost)}/connections?columns=name,client_properties.connection_name";
        List<string> names;
        using (var response = await SendAsync(http => http.GetAsync(path, cancellationToken), cancellationToken))
        {
            response.EnsureSuccessStatusCode();
            var connections = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            // Any client's properties may be anything: only a string name that matches counts.
            names = connections.ValueKind != JsonValueKind.Array ? [] : connections.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.Object
                            && c.TryGetProperty("client_properties", out var client) && client.ValueKind == JsonValueKind.Object
                            && client.TryGetProperty("connection_name", out var given) && given.ValueKind == JsonValueKind.String
                            && given.GetString() == connectionName
                            && c.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                .Select(c => c.GetProperty("name").GetString()!)
                .ToList();
        }
        foreach (var name in names)
        {
            using var response = await SendAsync(http =>
            {
                var close = new HttpRequestMessage(HttpMethod.Delete, $"connections/{Uri.EscapeDataString(name)}");
                close.Headers.Add("X-Reason", reason);
                return http.SendAsync(close, cancellationToken);
            }, cancellationToken);
            if (response.StatusCode != HttpStatusCode.NotFound)
                response.EnsureSuccessStatusCode();
        }
        return names.Count;
    }

    /// <summary>The error and skipped queues of this virtual host (<c>*_error</c>, <c>*_skipped</c>) and their messages; null when the broker cannot be asked.</summary>
    public async Task<IReadOnlyList<(string Queue, int Messages)>?> ErrorQueuesAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Filtered by the broker (a fleet has a queue per agent: listing them all on every scrape would be the costly part).
            var path = $"queues/{Uri.EscapeDataString(options.VirtualHost)}?page=1&page_size={MaxErrorQueuesListed}" +
                       $"&name={Uri.EscapeDataString(ErrorQueuePattern)}&use_regex=true&columns=name,messages";
            using var response = await SendAsync(http => http.GetAsync(path, cancellationToken), cancellationToken);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return page.GetProperty("items").EnumerateArray()
                .Select(q => (Queue: q.GetProperty("name").GetString() ?? "", Messages: q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 0))
                .ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The names of the queues MassTransit parks what it could not consume in.</summary>
    public const string ErrorQueuePattern = "(_error|_skipped)$";

    /// <summary>At most this many error queues are reported (each endpoint of the coordinator has two at most).</summary>
    const int MaxErrorQueuesListed = 500;

    /// <summary>
    /// Bounds every error queue of this virtual host, as an operator policy (it holds whatever user policies are set beside
    /// it): at most <paramref name="maxLength"/> messages (the oldest dropped first), none older than <paramref name="maxAge"/>.
    /// </summary>
    public async Task BoundErrorQueuesAsync(int maxLength, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var policy = new Dictionary<string, object>
        {
            ["pattern"] = ErrorQueuePattern,
            ["definition"] = new Dictionary<string, object> { ["max-length"] = maxLength, ["message-ttl"] = (long)maxAge.TotalMilliseconds },
            ["priority"] = 0,
            ["apply-to"] = "queues",
        };
        using var response = await SendAsync(http => http.PutAsJsonAsync(
            $"operator-policies/{Uri.EscapeDataString(options.VirtualHost)}/{ErrorQueuePolicyName}", policy, cancellationToken), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public const string ErrorQueuePolicyName = "coordinator-error-queues";

    /// <summary>
    /// Creates a broker user (or sets a new password for it), without tags (it cannot use the management UI), and sets what it
    /// may do in this virtual host: the three regular expressions of RabbitMQ's permissions.
    /// </summary>
    public async Task PutUserAsync(BrokerUser user, string configure, string write, string read, CancellationToken cancellationToken)
    {
        using (var created = await SendAsync(http => http.PutAsJsonAsync($"users/{Uri.EscapeDataString(user.Username)}",
                   new { password = user.Password, tags = "" }, cancellationToken), cancellationToken))
            await EnsureAsync(created, $"create broker user {user.Username}", cancellationToken);
        using var permitted = await SendAsync(http => http.PutAsJsonAsync(
            $"permissions/{Uri.EscapeDataString(options.VirtualHost)}/{Uri.EscapeDataString(user.Username)}",
            new { configure, write, read }, cancellationToken), cancellationToken);
        await EnsureAsync(permitted, $"set the permissions of broker user {user.Username}", cancellationToken);
    }

    /// <summary>Deletes a broker user; true when it is gone (or was never there).</summary>
    public async Task<bool> DeleteUserAsync(string username, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http => http.DeleteAsync($"users/{Uri.EscapeDataString(username)}", cancellationToken), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return true;
        await EnsureAsync(response, $"delete broker user {username}", cancellationToken);
        return true;
    }

    /// <summary>A refusal of the management API as an exception that says what was being done and what the broker answered.</summary>
    static async Task EnsureAsync(HttpResponseMessage response, string doing, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        throw new HttpRequestException(
            $"could not {doing}: the broker's management API answered {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}"
            + (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? " (the coordinator's broker user needs the administrator tag to manage users)" : ""),
            null, response.StatusCode);
    }
}
