using System.Net.Http.Headers;
using System.Text;
using Coordinator.Contracts;
using Coordinator.Ownership;
using MassTransit;

namespace Coordinator.Api;

/// <summary>
/// On the owner: makes a write a standby forwarded (the same route, through this coordinator's own HTTP API, so it is checked
/// and answered exactly as if it had come here) and answers with its status and body.
/// </summary>
public sealed partial class ForwardApiWriteConsumer(IHttpClientFactory clients, CoordinatorOptions options, TaskPathOwnership ownership,
    Security.ApiAccess access, TimeProvider time, ILogger<ForwardApiWriteConsumer> logger) : IConsumer<ForwardApiWrite>
{
    public const string ForwardedHeader = "X-Forwarded-By-Coordinator";

    public async Task Consume(ConsumeContext<ForwardApiWrite> context)
    {
        var write = context.Message;
        using var request = new HttpRequestMessage(new HttpMethod(write.Method), new Uri(new Uri(options.HttpUrl), write.PathAndQuery));
        if (write.Body is not null)
        {
            var type = MediaTypeHeaderValue.TryParse(write.ContentType, out var given) ? given : new MediaTypeHeaderValue("application/json");
            type.CharSet = Encoding.UTF8.WebName;
            request.Content = new StringContent(write.Body, Encoding.UTF8, type);
        }
        request.Headers.Add(ForwardedHeader, write.ForwardedBy);
        // The standby checked the caller's key; this process's own token lets the write through here.
        request.Headers.Add(Security.ApiAccess.InternalHeader, access.InternalToken);
        using var client = clients.CreateClient(nameof(ForwardApiWriteConsumer));
        using var response = await client.SendAsync(request, context.CancellationToken);
        if (HttpMethods.IsGet(write.Method))
            LogForwardedRead(write.PathAndQuery, write.ForwardedBy, (int)response.StatusCode); // a standby's dashboard asks every poll
        else
            LogForwarded(write.Method, write.PathAndQuery, write.ForwardedBy, (int)response.StatusCode);
        await context.RespondAsync(new ApiWriteAnswered
        {
            Status = (int)response.StatusCode,
            Body = await response.Content.ReadAsStringAsync(context.CancellationToken),
            ContentType = response.Content.Headers.ContentType?.ToString(),
            AnsweredBy = ownership.InstanceId,
            Timestamp = time.GetUtcNow(),
        });
    }

    [LoggerMessage(LogLevel.Information, "{Method} {Path} forwarded by standby {Standby}: answered {Status}")]
    partial void LogForwarded(string method, string path, string standby, int status);

    [LoggerMessage(LogLevel.Debug, "GET {Path} forwarded by standby {Standby}: answered {Status}")]
    partial void LogForwardedRead(string path, string standby, int status);
}
