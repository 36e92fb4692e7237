using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

/// <summary>`cancel`: the same call as the dashboard's button.</summary>
public class When_cancelling_a_task
{
    readonly TestCli cli = new();

    [Fact]
    public async Task A_running_task_is_cancelled_with_the_reason_and_the_agent_named()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/t-1/cancel", HttpStatusCode.Accepted, """{"taskId":"t-1","status":"Cancelled","agentId":"worker-a"}""");

        var run = await cli.RunAsync("cancel", "t-1", "--reason", "wrong input");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks/t-1/cancel")).Json;
        Assert.Equal("wrong input", body.GetProperty("reason").GetString());
        Assert.Contains("task t-1: cancelled (agent worker-a told to stop it)", run.Out);
    }

    [Fact]
    public async Task A_waiting_task_is_said_never_to_start()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/t-2/cancel", HttpStatusCode.Accepted, """{"taskId":"t-2","status":"Cancelled","agentId":null}""");

        var run = await cli.RunAsync("cancel", "t-2");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("it had not started; it never will", run.Out);
    }

    [Fact]
    public async Task A_task_that_has_ended_is_refused_with_its_status()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/t-3/cancel", HttpStatusCode.Conflict,
            """{"error":"task 't-3' is Completed: it has ended and cannot be cancelled","status":"Completed"}""");

        var run = await cli.RunAsync("cancel", "t-3");

        Assert.Equal(6, run.ExitCode); // refused in its state (409)
        Assert.Contains("task 't-3' is Completed: it has ended and cannot be cancelled", run.Error);
    }
}
