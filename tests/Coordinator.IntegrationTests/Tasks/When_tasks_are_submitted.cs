using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Tasks;

public sealed class When_tasks_are_submitted : IAsyncLifetime
{
    TestSystem _system = null!;

    public async Task InitializeAsync()
    {
        _system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxPayloadBytes"] = "2048" });
        await _system.StartActiveAgentsAsync(("worker-1", []), ("worker-2", []));
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Plain_json_published_through_the_management_api_runs_to_completed()
    {
        var routed = await _system.Broker.PublishAsync(_system.VirtualHost, EntityNames.Tasks,
            """{"taskId": "plain-json-1", "taskType": "echo", "payload": {"greeting": "hello"}, "priority": 5}""");
        Assert.True(routed, "coordinator.tasks routes to the intake queue");

        var task = await _system.WaitForTaskAsync("plain-json-1", "Completed");

        Assert.Equal("hello", task.Result!.Value.GetProperty("greeting").GetString());
        Assert.StartsWith("worker-", task.AgentId);
        Assert.Equal(1, task.Attempts);
        Assert.NotNull(task.StartedAt);
        Assert.True(task.FinishedAt >= task.StartedAt);
    }

    [Fact]
    public async Task Through_the_api_it_answers_202_with_the_id_and_each_sample_handler_runs()
    {
        var echo = await _system.Api.SubmitAsync(new { taskType = "echo", payload = new[] { 1, 2, 3 } });
        var sleep = await _system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 50 } });
        var compute = await _system.Api.SubmitAsync(new { taskType = "compute", payload = new { iterations = 1000 } });

        Assert.Equal("[1,2,3]", (await _system.WaitForTaskAsync(echo, "Completed")).Result!.Value.GetRawText());
        Assert.Equal(50, (await _system.WaitForTaskAsync(sleep, "Completed")).Result!.Value.GetProperty("sleptMs").GetInt32());
        var digest = (await _system.WaitForTaskAsync(compute, "Completed")).Result!.Value.GetProperty("digest").GetString();
        Assert.Equal(64, digest!.Length);
    }

    public static TheoryData<string, string> BadTasks => new()
    {
        { """{"payload": {}}""", "taskType is missing" },
        { """{"taskType": "echo", "priority": 12}""", "priority 12 is out of range" },
        { """{"taskType": "echo", "deadline": "2001-01-01T00:00:00Z"}""", "is in the past" },
        { """{"taskType": "echo", "resources": {"cpuCores": -1}}""", "resources must not be negative" },
        { """{"taskType": "echo", "requiredCapabilities": ["quantum"]}""", "unknown capability: no registered agent offers 'quantum'" },
        { """{"taskType": "teleport"}""", "unknown capability: no registered agent offers 'teleport'" },
        { """{"taskType": "echo", "payload": {"big": "PAD"}}""", "the limit is 2048" },
        { """{"taskType": "echo", """, "malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public async Task Bad_input_is_a_400_with_the_reason(string json, string reason)
    {
        json = json.Replace("PAD", new string('x', 3000));
        using var response = await _system.Api.Http.PostAsync("/api/tasks", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, body.GetProperty("error").GetString());
        if (body.TryGetProperty("taskId", out var id))
            Assert.Equal("Rejected", (await _system.WaitForTaskAsync(id.GetString()!, "Rejected")).Status);
    }

    [Fact]
    public async Task Bad_input_through_the_broker_is_rejected_with_the_reason_and_poison_never_blocks()
    {
        await _system.Broker.PublishAsync(_system.VirtualHost, EntityNames.Tasks, "{ not json at all");
        await _system.Broker.PublishAsync(_system.VirtualHost, EntityNames.Tasks, """{"taskId": "too-urgent", "taskType": "echo", "priority": 99}""");
        await _system.Broker.PublishAsync(_system.VirtualHost, EntityNames.Tasks, """{"taskId": "after-poison", "taskType": "echo"}""");

        var rejected = await _system.WaitForTaskAsync("too-urgent", "Rejected");
        Assert.Equal("priority 99 is out of range: use 0 to 9 (higher first)", rejected.Reason);
        await _system.WaitForTaskAsync("after-poison", "Completed");
        var poison = await Eventually.Until(() => _system.Broker.GetQueueAsync(_system.VirtualHost, EntityNames.IntakeQueue + "_error"),
            q => q is { Messages: 1 }, TimeSpan.FromSeconds(20), "the malformed message in coordinator.intake_error");
        Assert.NotNull(poison);
    }

    [Fact]
    public async Task A_burst_of_1000_tasks_all_complete_with_none_lost()
    {
        await using var bus = await TestBus.StartAsync(_system.VirtualHost);
        var ids = Enumerable.Range(0, 1000).Select(i => $"burst-{i:D4}").ToList();

        await Task.WhenAll(ids.Select(id => bus.PublishAsync(new SubmitTask { TaskId = id, TaskType = "echo", Payload = JsonSerializer.SerializeToElement(id) })));

        await Eventually.Until(async () => (await _system.Api.TasksAsync("Completed")).Count, n => n == ids.Count, TimeSpan.FromSeconds(120),
            "1000 completed tasks", _system.Diagnostics);
        var completed = await _system.Api.TasksAsync("Completed");
        Assert.Equal(ids.Order(), completed.Select(t => t.TaskId).Order());
        Assert.All(completed, t => Assert.Equal(t.TaskId, t.Result!.Value.GetString()));
        Assert.All(completed, t => Assert.Equal(1, t.Attempts));
        Assert.Equal(ids.Count, (await _system.Api.TasksAsync()).Count);
    }

    [Fact]
    public async Task The_same_task_id_submitted_again_is_accepted_once_and_runs_once()
    {
        var task = new { taskId = "submitted-thrice", taskType = "sleep", payload = new { ms = 400 } };

        Assert.Equal("submitted-thrice", await _system.Api.SubmitAsync(task));
        Assert.Equal("submitted-thrice", await _system.Api.SubmitAsync(task)); // a client retrying after a lost answer
        await _system.WaitForTaskAsync("submitted-thrice", "Completed");
        Assert.Equal("submitted-thrice", await _system.Api.SubmitAsync(task));
        var (status, body) = await _system.Api.PostTaskAsync(new { taskId = "submitted-thrice", taskType = "echo" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("already used by a 'sleep' task", body.GetProperty("error").GetString());
        var done = await _system.WaitForTaskAsync("submitted-thrice", "Completed");
        Assert.Equal(1, done.Attempts);
        Assert.Equal(2, Regex.Count(_system.Coordinator.Output, "Task submitted-thrice submitted again"));
        Assert.DoesNotContain("Stale result for task submitted-thrice", _system.Coordinator.Output);
    }
}
