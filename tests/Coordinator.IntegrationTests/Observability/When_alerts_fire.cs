using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Observability;

/// <summary>
/// Every alert rule raised and resolved on the real system, with thresholds and windows shortened for the test: published
/// to coordinator.alerts (a queue bound to it here), listed at /api/alerts, and POSTed to a webhook on 127.0.0.1 that
/// refuses its first delivery (the bounded retry takes it again).
/// </summary>
public sealed class When_alerts_fire
{
    /// <summary>A webhook that answers 500 to the first POST and 200 to the rest, keeping what it was sent.</summary>
    sealed class Webhook : IDisposable
    {
        readonly LoopbackHttpServer _server;
        int _requests;

        public Webhook() => _server = new LoopbackHttpServer(AnswerAsync);

        public string Url => $"{_server.Url}/hook/";
        public ConcurrentQueue<JsonElement> Received { get; } = new();
        public int Requests => _requests;

        async Task AnswerAsync(HttpListenerContext context)
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            if (Interlocked.Increment(ref _requests) == 1)
            {
                context.Response.StatusCode = 500;
                return;
            }
            Received.Enqueue(JsonDocument.Parse(body).RootElement.Clone());
            context.Response.StatusCode = 200;
        }

        public void Dispose() => _server.Dispose();
    }

    [Fact]
    public async Task Each_rule_raises_and_resolves_and_every_alert_reaches_the_exchange_the_api_and_the_webhook()
    {
        using var webhook = new Webhook();
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Coordinator__MaxRetries"] = "1",
            ["Alerts__EvaluateEvery"] = "00:00:00.250",
            ["Alerts__ErrorRate__Threshold"] = "0.5",
            ["Alerts__ErrorRate__Window"] = "00:00:06",
            ["Alerts__ErrorRate__MinAttempts"] = "3",
            ["Alerts__ErrorRate__For"] = "00:00:00.500",
            ["Alerts__OldestWait__Threshold"] = "00:00:02",
            ["Alerts__OldestWait__For"] = "00:00:00.500",
            ["Alerts__NoActiveAgent__For"] = "00:00:01",
            ["Alerts__DeadLetters__Threshold"] = "2",
            ["Alerts__DeadLetters__Window"] = "00:00:06",
            ["Alerts__WebhookUrl"] = webhook.Url,
        });
        await system.Broker.DeclareFanoutExchangeAsync(system.VirtualHost, EntityNames.Alerts);
        await system.Broker.DeclareQueueAsync(system.VirtualHost, "test-alerts");
        await system.Broker.BindQueueAsync(system.VirtualHost, EntityNames.Alerts, "test-alerts");

        async Task<List<JsonElement>> AlertsAsync() =>
            [.. (await system.Api.Http.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("alerts").EnumerateArray()];
        async Task<JsonElement> UntilAsync(string rule, bool resolved, string? subject = null) =>
            (await Eventually.Until(AlertsAsync, a => a.Any(x => Is(x, rule, resolved, subject)), TimeSpan.FromSeconds(30),
                $"alert {rule} {(resolved ? "resolved" : "raised")}", system.Diagnostics)).First(x => Is(x, rule, resolved, subject));
        static bool Is(JsonElement alert, string rule, bool resolved, string? subject) =>
            alert.GetProperty("rule").GetString() == rule && (alert.GetProperty("resolvedAt").ValueKind != JsonValueKind.Null) == resolved
            && (subject is null || alert.GetProperty("subject").GetString() == subject);

        // Work waits with no agent: NoActiveAgent, then OldestWait once it has waited 2 s.
        var waiting = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { } });
        var noAgent = await UntilAsync("NoActiveAgent", resolved: false);
        Assert.Contains("no agent is Active", noAgent.GetProperty("message").GetString());
        var oldest = await UntilAsync("OldestWait", resolved: false);
        Assert.True(oldest.GetProperty("value").GetDouble() > 2);

        // An agent arrives and takes the work: both resolve.
        var agent = (await system.StartActiveAgentsAsync(("alerted", [])))[0];
        await system.WaitForTaskAsync(waiting, "Completed");
        await UntilAsync("NoActiveAgent", resolved: true);
        await UntilAsync("OldestWait", resolved: true);

        // Failing work: the error rate crosses one half and tasks are dead-lettered; once the window has passed, both resolve.
        var failing = new List<string>();
        for (var i = 0; i < 4; i++)
            failing.Add(await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = $"broken {i}" } }));
        foreach (var id in failing)
            await system.WaitForTaskAsync(id, "DeadLettered");
        var errorRate = await UntilAsync("ErrorRate", resolved: false);
        Assert.True(errorRate.GetProperty("value").GetDouble() > 0.5);
        var dead = await UntilAsync("DeadLetters", resolved: false);
        Assert.True(dead.GetProperty("value").GetDouble() >= 2);
        await UntilAsync("ErrorRate", resolved: true);
        await UntilAsync("DeadLetters", resolved: true);

        // A killed agent: AgentFailed for it; back under the same id, it resolves.
        agent.Kill();
        await system.WaitForStateAsync("alerted", "Failed");
        var failed = await UntilAsync("AgentFailed", resolved: false, subject: "alerted");
        Assert.Contains("alerted", failed.GetProperty("message").GetString());
        await system.StartActiveAgentsAsync(("alerted", []));
        await UntilAsync("AgentFailed", resolved: true, subject: "alerted");

        // Every raise and resolve of the five rules went to the exchange, once each, and to the webhook (after one refusal).
        string[] rules = ["NoActiveAgent", "OldestWait", "ErrorRate", "DeadLetters", "AgentFailed"];
        var published = await Eventually.Until(async () =>
            {
                var messages = await system.Broker.GetMessagesAsync(system.VirtualHost, "test-alerts");
                return messages.Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
            }, m => m.Count >= 10, TimeSpan.FromSeconds(10), "ten alert messages on coordinator.alerts");
        foreach (var rule in rules)
        {
            Assert.Equal(2, published.Count(m => m.GetProperty("message").GetProperty("rule").GetString() == rule));
            Assert.Contains(published, m => m.GetProperty("message").GetProperty("rule").GetString() == rule
                                            && m.GetProperty("message").TryGetProperty("resolvedAt", out _));
        }
        var hooked = await Eventually.Until(() => Task.FromResult(webhook.Received.ToList()), r => r.Count >= 10, TimeSpan.FromSeconds(20),
            "ten alerts at the webhook");
        Assert.Equal(11, webhook.Requests); // the first refused and taken again
        foreach (var rule in rules)
        {
            Assert.Contains(hooked, h => h.GetProperty("type").GetString() == nameof(AlertRaised) && h.GetProperty("alert").GetProperty("rule").GetString() == rule);
            Assert.Contains(hooked, h => h.GetProperty("type").GetString() == nameof(AlertResolved) && h.GetProperty("alert").GetProperty("rule").GetString() == rule);
        }
        Assert.Contains("Webhook", system.Coordinator.Output); // the refusal, logged with the retry
    }
}
