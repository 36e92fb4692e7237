using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>
/// Hostile input: thousands of random and mutated messages at the intake exchange, the exchanges agents publish to, and the
/// HTTP API (truncated JSON, huge numbers, deep nesting, wrong types, long strings, control characters, bytes that are not
/// UTF-8), with good tasks submitted alongside. The coordinator stays live, every request gets an answer that names its
/// problem, the error queues stay within their bound, its memory stays bounded, and the good tasks all complete.
/// </summary>
public sealed class When_hostile_input_arrives(ITestOutputHelper output)
{
    const int ErrorQueueBound = 100;
    const string Good = """{"taskType":"echo","payload":{"hello":"world","n":[1,2,3]},"priority":3,"requiredCapabilities":["echo"]}""";

    /// <summary>One hostile body: a mutation of a good one, or something made up. Deterministic for a seed.</summary>
    static byte[] Hostile(Random random)
    {
        var good = Encoding.UTF8.GetBytes(Good);
        switch (random.Next(12))
        {
            case 0: // truncated
                return good[..random.Next(good.Length)];
            case 1: // bytes flipped
                var flipped = (byte[])good.Clone();
                for (var i = 0; i < 1 + random.Next(4); i++)
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 2: // random bytes, mostly not UTF-8
                var noise = new byte[random.Next(1, 512)];
                random.NextBytes(noise);
                return noise;
            case 3: // huge numbers
                var huge = random.Next(2) == 0 ? "1e400" : "123456789012345678901234567890";
                return Encoding.UTF8.GetBytes("{\"taskType\":\"echo\",\"priority\":" + huge + ",\"resources\":{\"cpuCores\":1e308,\"memoryMb\":-99999999999}}");
            case 4: // deep nesting, in the payload or anywhere
                var depth = random.Next(20, 3000);
                var nested = new string('[', depth) + new string(']', depth);
                return Encoding.UTF8.GetBytes(random.Next(2) == 0 ? $$"""{"taskType":"echo","payload":{{nested}}}""" : nested);
            case 5: // wrong types
                return Encoding.UTF8.GetBytes(random.Next(3) switch
                {
                    0 => """{"taskType":5,"payload":"x","requiredCapabilities":{"a":1}}""",
                    1 => """{"taskType":["echo"],"priority":"high","deadline":true}""",
                    _ => """["taskType","echo"]""",
                });
            case 6: // long strings
                var length = random.Next(1_000, 300_000);
                return Encoding.UTF8.GetBytes("{\"taskType\":\"" + new string('x', length) + "\",\"payload\":{\"s\":\"" + new string('y', length) + "\"}}");
            case 7: // control characters
                return Encoding.UTF8.GetBytes("{\"taskType\":\"ec\u0000ho\u0007\",\"payload\":{\"c\":\"\u001b[31m\"},\"taskId\":\"id\u0001\"}");
            case 8: // invalid UTF-8 inside strings
                var prefix = Encoding.UTF8.GetBytes("{\"taskType\":\"ec");
                var suffix = Encoding.UTF8.GetBytes("ho\",\"payload\":{}}");
                return [.. prefix, 0xC3, (byte)random.Next(0x00, 0x40), 0xFF, .. suffix];
            case 9: // empty, or not JSON at all
                return random.Next(2) == 0 ? [] : Encoding.UTF8.GetBytes("taskType=echo&payload=1");
            case 10: // a duplicated key, a null, a bad id
                return Encoding.UTF8.GetBytes("""{"taskType":"echo","taskType":null,"taskId":"../../etc/passwd","payload":null}""");
            default: // a good envelope with a bad message inside (MassTransit's own format)
                return Encoding.UTF8.GetBytes($$"""{"messageType":["urn:message:Coordinator.Contracts:SubmitTask"],"message":{{Encoding.UTF8.GetString(good[..random.Next(good.Length)])}}}""");
        }
    }

    [Fact]
    public async Task Thousands_of_mutated_messages_and_requests_leave_it_serving_bounded_and_every_good_task_completed()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new()
        {
            ["Coordinator__ErrorQueueMaxLength"] = $"{ErrorQueueBound}",
        });
        await system.StartActiveAgentsAsync(("sturdy", ["--concurrency", "8"]));
        var random = new Random(20261201);
        var good = new List<string>();
        var clock = Stopwatch.StartNew();

        // The broker: the intake exchange anyone may publish to, and the exchanges agents publish to.
        var factory = new ConnectionFactory { HostName = "127.0.0.1", VirtualHost = system.VirtualHost, UserName = "guest", Password = "guest" };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var exchanges = new[] { EntityNames.Tasks, EntityNames.Tasks, EntityNames.Tasks, EntityNames.AgentControl, EntityNames.Heartbeats, EntityNames.TaskEvents };
            for (var i = 0; i < 3000; i++)
            {
                var properties = new BasicProperties
                {
                    ContentType = random.Next(4) switch { 0 => "application/vnd.masstransit+json", 1 => "text/plain", _ => "application/json" },
                };
                await channel.BasicPublishAsync(exchanges[random.Next(exchanges.Length)], "", false, properties, Hostile(random));
                if (i % 60 == 0)
                    good.Add(await SubmitGoodAsync(system, $"good-amqp-{i}"));
            }
        }
        output.WriteLine($"3,000 hostile messages published in {clock.Elapsed.TotalSeconds:0.0} s");

        // A message over the broker's max_message_size (16 MiB, scripts/ensure-rabbitmq.sh) is refused by the broker itself:
        // the publisher's channel is closed, and no consumer here ever holds it.
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            var huge = new byte[17 * 1024 * 1024];
            var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
                await channel.BasicPublishAsync(EntityNames.Tasks, "", true, new BasicProperties { ContentType = "application/json" }, huge));
            var reason = $"{refused.Message} {channel.CloseReason?.ReplyText}";
            output.WriteLine($"17 MiB message: {reason}");
            Assert.Contains("PRECONDITION_FAILED", reason);
            Assert.Contains("larger than configured max size", reason);
        }

        // The HTTP API: every route that takes a body, and a few that take only a path.
        var routes = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Post, "/api/tasks"), (HttpMethod.Post, "/api/tasks"), (HttpMethod.Post, "/api/tasks"),
            // (none that a body which happens to parse could turn against the good tasks or the agent: no limit on echo, no
            // cancel of a good task, no verdict on the agent)
            (HttpMethod.Put, "/api/limits/hostile-type"), (HttpMethod.Post, "/api/schedules"), (HttpMethod.Post, "/api/tasks/no-such-task/cancel"),
            (HttpMethod.Post, "/api/tasks/retry"), (HttpMethod.Post, "/api/scaling/up"), (HttpMethod.Post, "/api/agents/nobody/failure"),
        };
        var answers = new Dictionary<int, int>();
        for (var i = 0; i < 1000; i++)
        {
            var (method, path) = routes[random.Next(routes.Length)];
            using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Hostile(random)) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await system.Api.Http.SendAsync(request);
            answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
            var body = await response.Content.ReadAsStringAsync();
            // 503 (the broker did not confirm in time, under this flood) is an answer too; a fault of the coordinator's is not.
            Assert.True((int)response.StatusCode < 500 || response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"{method} {path} answered {(int)response.StatusCode}: {body}\n{system.Coordinator.Output}");
            if ((int)response.StatusCode >= 400)
            {
                Assert.False(string.IsNullOrWhiteSpace(body), $"{method} {path} answered {(int)response.StatusCode} with an empty body");
                using var json = JsonDocument.Parse(body); // never an empty or non-JSON error
                Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()), $"{method} {path}: {body}");
            }
            if (i % 20 == 0)
                good.Add(await SubmitGoodAsync(system, $"good-http-{i}"));
        }
        output.WriteLine($"1,000 hostile requests: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Value} × {a.Key}"))}");

        // The good ones all complete, and the coordinator still serves (and the agent was never harmed).
        foreach (var id in good)
            Assert.Equal("Completed", (await system.WaitForTaskAsync(id, "Completed", "Failed", "DeadLettered", "Rejected")).Status);
        Assert.False(system.Coordinator.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await system.Api.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal("Active", await system.Api.StateOfAsync("sturdy"));

        // What could not be consumed is parked, within the bound, and counted in the metrics.
        var errorQueues = await Eventually.Until(async () =>
            {
                var all = new List<(string, int)>();
                foreach (var queue in new[] { EntityNames.IntakeQueue, EntityNames.AgentControl, EntityNames.Heartbeats, EntityNames.TaskResultsQueue })
                    foreach (var parked in new[] { $"{queue}_error", $"{queue}_skipped" })
                        if (await system.Broker.GetQueueAsync(system.VirtualHost, parked) is { } info)
                            all.Add((parked, info.Messages));
                return all;
            }, all => all.Count > 0 && all.All(q => q.Item2 <= ErrorQueueBound), TimeSpan.FromSeconds(30), "the error queues within their bound",
            system.Diagnostics);
        output.WriteLine($"error queues: {string.Join(", ", errorQueues.Select(q => $"{q.Item1} {q.Item2}"))}");
        var metrics = await system.Api.Http.GetStringAsync("/metrics");
        Assert.Contains("coordinator_error_queue_messages{queue=\"coordinator.intake_error\"}", metrics);

        var rss = ResidentMegabytes(system.Coordinator.Pid);
        output.WriteLine($"coordinator resident memory at the end: {rss} MB");
        Assert.True(rss < 700, $"the coordinator holds {rss} MB after the flood");
    }

    /// <summary>A good task, sent again under its own id while the coordinator answers 503 (safe: an id is taken once).</summary>
    static async Task<string> SubmitGoodAsync(TestSystem system, string taskId)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (status, body) = await system.Api.PostTaskAsync(new { taskId, taskType = "echo", payload = new { taskId } });
            if (status == HttpStatusCode.Accepted)
                return taskId;
            if (status != HttpStatusCode.ServiceUnavailable || attempt == 20)
                throw new InvalidOperationException($"good task {taskId} not accepted: {(int)status} {body}");
            await Task.Delay(250);
        }
    }

    static long ResidentMegabytes(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024).Single();
}
