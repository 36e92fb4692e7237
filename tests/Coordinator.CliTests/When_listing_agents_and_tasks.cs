using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_listing_agents_and_tasks
{
    readonly TestCli cli = new();

    [Fact]
    public async Task Agents_are_rendered_one_row_each_with_load_usage_and_heartbeat_age()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/agents", HttpStatusCode.OK, """
            [{"agentId":"worker-b","state":"Degraded","capabilities":["echo","sleep"],
              "resources":{"cpuCores":2,"memoryMb":1024,"diskMb":100},"maxConcurrentTasks":4,
              "metadata":{"agentType":"generic","version":"1.0.0","hostName":"h","processId":12,"startedAt":"2030-01-01T11:00:00Z"},
              "lastHeartbeat":"2030-01-01T11:59:57Z","activeTasks":1,
              "health":{"reportedStatus":"Degraded","usage":{"cpuPercent":12.5,"memoryMb":300,"diskMb":1},"errorCount":2,"missedHeartbeats":1,"heartbeatCount":50},
              "someFutureField":{"x":1}},
             {"agentId":"worker-a","state":"Active","capabilities":["echo"],"maxConcurrentTasks":2,"activeTasks":0,"lastHeartbeat":null}]
            """);

        var run = await cli.RunAsync("agents");

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n');
        var b = Assert.Single(lines, l => l.Contains("worker-b"));
        Assert.Contains("Degraded", b);
        Assert.Contains("echo, sleep", b);
        Assert.Contains("1/4", b);
        Assert.Contains("12.5%", b);
        Assert.Contains("300/1024 MB", b);
        Assert.Contains("3.0s ago", b);
        var a = Assert.Single(lines, l => l.Contains("worker-a"));
        Assert.Contains("Active", a);
        Assert.Contains("0/2", a);
        Assert.Contains("never", a);
        Assert.True(Array.FindIndex(lines, l => l.Contains("worker-a")) < Array.FindIndex(lines, l => l.Contains("worker-b")), "sorted by id");
        Assert.Contains("2 agent(s): 1 Active, 1 Degraded", run.Out);
    }

    [Fact]
    public async Task No_agents_says_so()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/agents", HttpStatusCode.OK, "[]");

        var run = await cli.RunAsync("agents");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no agents registered", run.Out);
    }

    [Fact]
    public async Task Tasks_asks_for_the_status_and_page_and_renders_the_rows()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks?", HttpStatusCode.OK, $$"""
            {"items":[{{Json.Task("t-1", "Completed")}},{{Json.Task("t-2", "Completed", agentId: "agent-9")}}],"page":2,"pageSize":10,"total":12}
            """);

        var run = await cli.RunAsync("tasks", "--status", "completed", "--page", "2", "--page-size", "10");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/api/tasks?status=Completed&page=2&pageSize=10", Assert.Single(cli.Coordinator.Requests).PathAndQuery);
        Assert.Single(run.Out.Split('\n'), l => l.Contains("t-1") && l.Contains("Completed") && l.Contains("agent-1"));
        Assert.Single(run.Out.Split('\n'), l => l.Contains("t-2") && l.Contains("agent-9"));
        Assert.Contains("page 2 of 2, 12 task(s)", run.Out);
    }

    [Fact]
    public async Task A_listing_the_coordinator_counted_only_so_far_says_there_are_more()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks?", HttpStatusCode.OK, $$"""
            {"items":[{{Json.Task("t-1", "Completed")}}],"page":1,"pageSize":50,"total":10000,"totalCapped":true}
            """);

        var run = await cli.RunAsync("tasks");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("page 1 of more than 200, more than 10000 task(s)", run.Out);
    }

    [Fact]
    public async Task Tasks_without_options_asks_for_the_first_page_of_50()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks?", HttpStatusCode.OK, """{"items":[],"page":1,"pageSize":50,"total":0}""");

        var run = await cli.RunAsync("tasks");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/api/tasks?page=1&pageSize=50", Assert.Single(cli.Coordinator.Requests).PathAndQuery);
        Assert.Contains("no tasks on page 1", run.Out);
    }

    [Fact]
    public async Task Task_shows_the_details_with_result_and_error()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks/t-7", HttpStatusCode.OK, """
            {"taskId":"t-7","taskType":"echo","status":"Failed","agentId":"agent-3","attempts":2,"priority":5,
             "requiredCapabilities":["echo"],"submittedAt":"2030-01-01T11:00:00Z","finishedAt":"2030-01-01T11:00:03Z",
             "result":{"echoed":"hello"},"error":"handler threw: [boom]","reason":"attempt 2 of 3"}
            """);

        var run = await cli.RunAsync("task", "t-7");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("t-7", run.Out);
        Assert.Contains("Failed", run.Out);
        Assert.Contains("agent-3", run.Out);
        Assert.Contains("2030-01-01 11:00:03Z", run.Out);
        Assert.Contains("handler threw: [boom]", run.Out);
        Assert.Contains("attempt 2 of 3", run.Out);
        Assert.Contains("\"echoed\": \"hello\"", run.Out);
    }

    [Fact]
    public async Task Task_shows_its_progress_and_last_checkpoint()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks/t-8", HttpStatusCode.OK, """
            {"taskId":"t-8","taskType":"steps","status":"Running","agentId":"agent-3","attempts":2,
             "progress":{"percent":42.5,"message":"step 17 of 40","at":"2030-01-01T11:59:58Z"},
             "checkpoint":{"next":17},"checkpointAt":"2030-01-01T11:59:57Z"}
            """);

        var run = await cli.RunAsync("task", "t-8");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("42.5% step 17 of 40 (2.0s ago)", run.Out);
        Assert.Contains("2030-01-01 11:59:57Z  {\"next\":17}", run.Out);
    }
}
