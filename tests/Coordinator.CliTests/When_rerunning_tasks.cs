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

        Assert.Equal(6, run.ExitCode); // refused in its state (409)
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
        Assert.False(body.TryGetProperty("finishedBefore", out _)); // no upper bound unless --until gives one
        Assert.Contains("2 task(s) re-run; more matched: run it again for the next 3", run.Out);
        Assert.Contains("re-run  t-4", run.Out);
        Assert.Contains("left    t-5: task 't-5' is Failed and its retry has just been sent", run.Out);
    }

    [Fact]
    public async Task A_time_range_sends_both_bounds_an_age_or_a_time_each()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/retry", HttpStatusCode.OK, """{"rerun":["t-6"],"refused":[],"more":false}""");

        var run = await cli.RunAsync("retry", "--status", "TimedOut", "--since", "2029-12-31T00:00:00Z", "--until", "30m");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks/retry")).Json;
        Assert.Equal(new DateTimeOffset(2029, 12, 31, 0, 0, 0, TimeSpan.Zero), body.GetProperty("finishedAfter").GetDateTimeOffset());
        Assert.Equal(cli.Time.GetUtcNow().AddMinutes(-30), body.GetProperty("finishedBefore").GetDateTimeOffset());
        Assert.Contains("1 task(s) re-run", run.Out);
    }

    [Fact]
    public async Task Until_alone_is_a_filter_too()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks/retry", HttpStatusCode.OK, """{"rerun":[],"refused":[],"more":false}""");

        var run = await cli.RunAsync("retry", "--until", "1d");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks/retry")).Json;
        Assert.Equal(cli.Time.GetUtcNow().AddDays(-1), body.GetProperty("finishedBefore").GetDateTimeOffset());
        Assert.False(body.TryGetProperty("finishedAfter", out _));
        Assert.Contains("0 task(s) re-run", run.Out);
    }

    [Theory]
    [InlineData(new[] { "retry" }, "give either a task id or filters")]
    [InlineData(new[] { "retry", "t-1", "--until", "2h" }, "give either a task id or filters")]
    [InlineData(new[] { "retry", "--status", "Failed", "--until", "soon" }, "--until 'soon' is neither a time")]
    [InlineData(new[] { "retry", "--since", "1h", "--until", "2h" }, "must be earlier than --until")]
    [InlineData(new[] { "retry", "--since", "2030-01-01T10:00:00Z", "--until", "2030-01-01T10:00:00Z" }, "must be earlier than --until")]
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
