using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

/// <summary>`limits`: the fleet-wide limits per task type, from the command line.</summary>
public class When_limiting_task_types
{
    readonly TestCli cli = new();

    [Fact]
    public async Task The_list_shows_each_limit_and_what_is_in_flight()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/limits", HttpStatusCode.OK,
            """[{"taskType":"render","maxConcurrent":3,"perSecond":null,"inFlight":3},{"taskType":"mail","maxConcurrent":null,"perSecond":2.5,"inFlight":0}]""");

        var run = await cli.RunAsync("limits");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("render", run.Out);
        Assert.Contains("2.5", run.Out);
    }

    [Fact]
    public async Task Set_sends_the_cap_and_rate_and_a_refused_limit_shows_the_servers_reason()
    {
        cli.Coordinator.On(HttpMethod.Put, "/api/limits/render", HttpStatusCode.OK, """{"taskType":"render","maxConcurrent":3,"perSecond":1.5,"inFlight":0}""");
        cli.Coordinator.On(HttpMethod.Put, "/api/limits/mail", HttpStatusCode.BadRequest, """{"error":"maxConcurrent must be 1 or more, was 0"}""");

        var run = await cli.RunAsync("limits", "set", "render", "--max", "3", "--per-second", "1.5");
        var refused = await cli.RunAsync("limits", "set", "mail", "--max", "0");

        Assert.Equal(0, run.ExitCode);
        var body = cli.Coordinator.RequestsTo(HttpMethod.Put, "/api/limits/render").Single().Json;
        Assert.Equal((3, 1.5), (body.GetProperty("maxConcurrent").GetInt32(), body.GetProperty("perSecond").GetDouble()));
        Assert.Contains("task type render: at most 3 at once, 1.5 a second", run.Out);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("maxConcurrent must be 1 or more, was 0", refused.Error);
    }

    [Fact]
    public async Task Set_without_a_limit_is_refused_before_any_request_and_remove_names_an_unlimited_type()
    {
        cli.Coordinator.On(HttpMethod.Delete, "/api/limits/free", HttpStatusCode.NotFound, """{"error":"task type 'free' has no limit"}""");

        var run = await cli.RunAsync("limits", "set", "render");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("give --max, --per-second or both", run.Error);
        Assert.Empty(cli.Coordinator.Requests);

        var removed = await cli.RunAsync("limits", "remove", "free");
        Assert.NotEqual(0, removed.ExitCode);
        Assert.Contains("task type 'free' has no limit", removed.Error);
    }
}
