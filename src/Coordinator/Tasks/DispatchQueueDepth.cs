using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Hosting;

namespace Coordinator.Tasks;

/// <summary>The backlog: messages waiting in coordinator.dispatch, read from the broker's management API.</summary>
public sealed class DispatchQueueDepth(IHttpClientFactory httpFactory, RabbitMqOptions options)
{
    public async Task<int?> GetAsync(CancellationToken cancellationToken)
    {
        using var http = httpFactory.CreateClient(nameof(DispatchQueueDepth));
        http.Timeout = TimeSpan.FromSeconds(3);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        var url = $"http://{options.Host}:{options.ManagementPort}/api/queues/{Uri.EscapeDataString(options.VirtualHost)}/{EntityNames.DispatchQueue}";
        try
        {
            var queue = await http.GetFromJsonAsync<JsonElement>(url, cancellationToken);
            return queue.TryGetProperty("messages", out var messages) ? messages.GetInt32() : 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }
}
