using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

/// <summary>`retry`: one task by id (as the dashboard's button), or every task that matches the filters.</summary>
public class When_rerunning_tasks
{
    readonly TestCli cli = new();

    [Fact]
    public async Task One_task_is_rerun_and_its_new_first_attempt_said()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/t-1/retry", HttpStatusCode.Accepted, """{"taskId":"t-1","status":"Pending","attempt":4}""");

        var run = await cli.RunAsync("retry", "t-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks/t-1/retry"));
        Assert.Contains("task t-1: re-run from attempt 4 (Pending)", run.Out);
    }

    [Fact]
    public async Task A_task_that_cannot_be_rerun_is_refused_with_the_servers_reason()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/t-2/retry", HttpStatusCode.Conflict,
            """{"error":"task 't-2' is Completed; only a DeadLettered, Failed, TimedOut, Cancelled task can be re-run","status":"Completed"}""");

        var run = await cli.RunAsync("retry", "t-2");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("task 't-2' is Completed; only a DeadLettered, Failed, TimedOut, Cancelled task can be re-run", run.Error);
    }

    [Fact]
    public async Task Filters_rerun_every_match_and_the_answer_lists_what_was_rerun_and_left()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/retry", HttpStatusCode.OK,
            """{"rerun":["t-3","t-4"],"refused":[{"taskId":"t-5","error":"task 't-5' is Failed and its retry has just been sent; it is running again"}],"more":true}""");

        var run = await cli.RunAsync("retry", "--status", "DeadLettered", "--status", "Failed", "--type", "resize", "--since", "2h", "--limit", "3");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks/retry")).Json;
        Assert.Equal(["DeadLettered", "Failed"], body.GetProperty("status").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("resize", body.GetProperty("type").GetString());
        Assert.Equal(3, body.GetProperty("limit").GetInt32());
        Assert.Equal(cli.Time.GetUtcNow().AddHours(-2), body.GetProperty("finishedAfter").GetDateTimeOffset());
        Assert.Contains("2 task(s) re-run; more matched: run it again for the next 3", run.Out);
        Assert.Contains("re-run  t-4", run.Out);
        Assert.Contains("left    t-5: task 't-5' is Failed and its retry has just been sent", run.Out);
    }

    [Theory]
    [InlineData(new[] { "retry" }, "give either a task id or filters")]
    [InlineData(new[] { "retry", "t-1", "--status", "Failed" }, "give either a task id or filters")]
    [InlineData(new[] { "retry", "--status", "Failed", "--since", "yesterday" }, "--since 'yesterday' is neither a time")]
    [InlineData(new[] { "retry", "--status", "Failed", "--limit", "0" }, "--limit must be between 1 and 1000")]
    public async Task Bad_arguments_are_refused_before_any_request(string[] args, string error)
    {
        var run = await cli.RunAsync(args);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(error, run.Error);
        Assert.Empty(cli.Coordinator.Requests);
    }
}
