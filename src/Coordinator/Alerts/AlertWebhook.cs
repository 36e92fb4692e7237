using System.Net.Http.Json;
using System.Threading.Channels;

namespace Coordinator.Alerts;

/// <summary>
/// Sends raised and resolved alerts to <see cref="AlertOptions.WebhookUrl"/> as JSON (<c>{"type": "AlertRaised", "alert":
/// {...}}</c>), one at a time, in order. A failed POST (an error status, no answer within 10 s) is tried again after 1 s,
/// 2 s, 4 s … up to <see cref="AlertOptions.WebhookAttempts"/> attempts, then dropped and logged; at most
/// <see cref="AlertOptions.WebhookQueueLimit"/> wait (the oldest dropped first), so a dead webhook costs bounded memory
/// and never holds up the evaluation.
/// </summary>
public sealed partial class AlertWebhook(AlertOptions options, IHttpClientFactory clients, TimeProvider time, ILogger<AlertWebhook> logger)
    : BackgroundService
{
    static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    readonly Channel<(string Type, object Alert)> _queue = Channel.CreateBounded<(string, object)>(
        new BoundedChannelOptions(options.WebhookQueueLimit) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Queues an alert for the webhook; nothing when none is configured.</summary>
    public void Enqueue(string type, object alert)
    {
        if (options.WebhookUrl is not null)
            _queue.Writer.TryWrite((type, alert));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.WebhookUrl is not { } url)
            return;
        var client = clients.CreateClient(nameof(AlertWebhook));
        await foreach (var (type, alert) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; ; attempt++)
            {
                string error;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    timeout.CancelAfter(AttemptTimeout);
                    using var response = await client.PostAsJsonAsync(url, new { type, alert }, timeout.Token);
                    if (response.IsSuccessStatusCode)
                        break;
                    error = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException)
                {
                    error = ex is OperationCanceledException ? $"no answer within {AttemptTimeout.TotalSeconds:0} s" : ex.Message;
                }
                if (attempt >= options.WebhookAttempts)
                {
                    LogDropped(type, url, attempt, error);
                    break;
                }
                var delay = TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
                LogRetrying(type, url, attempt, error, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Webhook {Url} refused {Type} (attempt {Attempt}: {Error}); trying again in {Seconds:0} s")]
    partial void LogRetrying(string type, string url, int attempt, string error, double seconds);

    [LoggerMessage(LogLevel.Error, "Webhook {Url} did not take {Type} after {Attempts} attempts (last: {Error}); dropped")]
    partial void LogDropped(string type, string url, int attempts, string error);
}
