using Coordinator.IntegrationTests.Infrastructure;
using Coordinator.Testing.Tracing;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Observability;

/// <summary>
/// OpenTelemetry across processes: the coordinator and an agent export spans over OTLP/HTTP (configured only by the usual
/// environment variables) to a receiver on 127.0.0.1, and one task is one trace through the broker.
/// </summary>
public sealed class When_a_task_is_traced(ITestOutputHelper output)
{
    static Dictionary<string, string> Otlp(OtlpReceiver receiver, string service) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_SERVICE_NAME"] = service,
    };

    [Fact]
    public async Task The_spans_of_one_task_from_the_coordinator_and_the_agent_share_one_trace()
    {
        using var receiver = new OtlpReceiver();
        await using var system = await TestSystem.StartAsync(coordinatorSettings: Otlp(receiver, "coordinator"));
        foreach (var (key, value) in Otlp(receiver, "agent"))
            system.AgentSettings[key] = value;
        await system.StartActiveAgentsAsync(("traced", []));

        var id = await system.Api.SubmitAsync(new { taskType = "echo", payload = new { hello = "trace" } });
        await system.WaitForTaskAsync(id, "Completed");

        // The agent's run of the task names the trace; the coordinator's spans in it reach from the HTTP request to the result.
        var run = await Eventually.Until(() => Task.FromResult(receiver.Spans.FirstOrDefault(s => s.Attributes.GetValueOrDefault("task.id") == id
                && s.Name.StartsWith("run ", StringComparison.Ordinal))), s => s is not null, TimeSpan.FromSeconds(20),
            "the agent's span of the task", () => string.Join("\n", receiver.Spans.Select(s => $"{s.Service} {s.Name} {s.TraceId}")))
            ?? throw new InvalidOperationException("no span");
        Assert.Equal("agent", run.Service);
        var trace = await Eventually.Until(() => Task.FromResult(receiver.Spans.Where(s => s.TraceId == run.TraceId).ToList()),
            spans => spans.Any(s => s.Service == "coordinator" && s.Name.Contains(Coordinator.Contracts.EntityNames.TaskResultsQueue, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20),
            "the coordinator's handling of the result in the same trace",
            () => string.Join("\n", receiver.Spans.Where(s => s.TraceId == run.TraceId).Select(s => $"{s.Service} {s.Name}")));
        output.WriteLine(string.Join("\n", trace.OrderBy(s => s.StartNanos).Select(s => $"{s.Service,-12} {s.Scope,-22} {s.Name}")));

        var coordinator = trace.Where(s => s.Service == "coordinator").ToList();
        Assert.Contains(coordinator, s => s.Name.StartsWith("POST", StringComparison.Ordinal)); // the submission over HTTP
        Assert.Contains(coordinator, s => s.Name == "place task" && s.Attributes.GetValueOrDefault("agent.id") == "traced");
        Assert.Contains(trace, s => s.Service == "agent" && s.Scope == "MassTransit"); // the assignment consumed by the agent
        var result = coordinator.First(s => s.Name.Contains(Coordinator.Contracts.EntityNames.TaskResultsQueue, StringComparison.Ordinal));
        Assert.True(result.StartNanos >= run.StartNanos, "the result is handled after the run began"); // the report, continued
        Assert.Single(trace, s => s.ParentSpanId.Length == 0 || s.ParentSpanId == "0000000000000000"); // one root: the request
        Assert.Empty(receiver.Errors);
    }
}
