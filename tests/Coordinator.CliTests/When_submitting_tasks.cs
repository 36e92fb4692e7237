using System.Net;
using System.Text.Json;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_submitting_tasks
{
    readonly TestCli cli = new();

    public When_submitting_tasks()
    {
        var next = 0;
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks", _ => (HttpStatusCode.Accepted, Json.Accepted($"task-{++next}")));
    }

    [Fact]
    public async Task It_posts_a_camel_case_body_with_the_payload_embedded_as_json()
    {
        var run = await cli.RunAsync("submit", "--type", "echo", "--payload", """{"text":"hi","n":2}""", "--priority", "7",
            "--capability", "echo", "--capability", "gpu,fast", "--deadline", "2030-01-02T03:04:05Z",
            "--cpu", "0.5", "--memory", "64", "--disk", "10");

        Assert.Equal(0, run.ExitCode);
        var post = Assert.Single(cli.Coordinator.Requests);
        Assert.Equal(HttpMethod.Post, post.Method);
        Assert.Equal("/api/tasks", post.PathAndQuery);
        var body = post.Json;
        Assert.Equal("echo", body.GetProperty("taskType").GetString());
        var payload = body.GetProperty("payload");
        Assert.Equal(JsonValueKind.Object, payload.ValueKind);
        Assert.Equal("hi", payload.GetProperty("text").GetString());
        Assert.Equal(2, payload.GetProperty("n").GetInt32());
        Assert.Equal(7, body.GetProperty("priority").GetInt32());
        Assert.Equal(["echo", "gpu", "fast"], body.GetProperty("requiredCapabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), body.GetProperty("deadline").GetDateTimeOffset());
        var resources = body.GetProperty("resources");
        Assert.Equal(0.5, resources.GetProperty("cpuCores").GetDouble());
        Assert.Equal(64, resources.GetProperty("memoryMb").GetInt64());
        Assert.Equal(10, resources.GetProperty("diskMb").GetInt64());
        Assert.False(body.TryGetProperty("taskId", out _), "an absent id is left for the coordinator to generate");
        Assert.Equal("task-1", run.Out.Trim());
    }

    [Fact]
    public async Task A_minimal_task_carries_only_its_type()
    {
        var run = await cli.RunAsync("submit", "--type", "echo");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.Requests).Json;
        Assert.Equal(["taskType"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Count_posts_that_many_tasks_and_prints_every_id()
    {
        var run = await cli.RunAsync("submit", "--type", "echo", "--payload", "42", "--count", "3");

        Assert.Equal(0, run.ExitCode);
        var posts = cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks");
        Assert.Equal(3, posts.Count);
        Assert.All(posts, p => Assert.Equal(42, p.Json.GetProperty("payload").GetInt32()));
        Assert.Equal(["task-1", "task-2", "task-3"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_file_of_tasks_is_posted_task_by_task_as_written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cli-tasks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            [{"taskType":"echo","payload":{"a":1},"priority":2,"custom":"kept"},
             {"taskId":"mine","taskType":"sleep","requiredCapabilities":["sleep"]}]
            """);
        try
        {
            var run = await cli.RunAsync("submit", "--file", path);

            Assert.Equal(0, run.ExitCode);
            var posts = cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks");
            Assert.Equal(2, posts.Count);
            Assert.Equal("kept", posts[0].Json.GetProperty("custom").GetString());
            Assert.Equal(1, posts[0].Json.GetProperty("payload").GetProperty("a").GetInt32());
            Assert.Equal("mine", posts[1].Json.GetProperty("taskId").GetString());
            Assert.Contains("task-2", run.Out);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_url_comes_from_the_option_then_the_environment_then_the_default()
    {
        await cli.RunAsync("submit", "--type", "echo");
        cli.Variables["COORDINATOR_URL"] = "http://coordinator.example:9000";
        await cli.RunAsync("submit", "--type", "echo");
        await cli.RunAsync("submit", "--type", "echo", "--url", "https://other.example/prefix");

        Assert.Equal(
            ["http://127.0.0.1:5080/", "http://coordinator.example:9000/", "https://other.example/prefix/"],
            cli.BaseAddresses.Select(u => u.AbsoluteUri));
        Assert.Equal("/prefix/api/tasks", cli.Coordinator.Requests[^1].PathAndQuery);
    }
}
