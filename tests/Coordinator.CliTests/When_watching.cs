using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_watching
{
    readonly TestCli cli = new();

    [Fact]
    public async Task Redirected_output_gets_one_plain_snapshot_per_interval_until_the_duration()
    {
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/metrics",
            """{"tasks":{"Completed":10,"Pending":3,"Running":2},"queueDepth":5,"agents":{"Active":2,"Degraded":1},"uptimeSeconds":60}""",
            """{"tasks":{"Completed":14,"Pending":1},"queueDepth":1,"agents":{"Active":3},"extra":"ignored"}""",
            """{"tasks":{"Completed":15},"queueDepth":0}""");

        var run = await cli.RunAsync("watch", "--interval", "0.5", "--duration", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/metrics").Count);
        Assert.All(cli.Waits, w => Assert.Equal(TimeSpan.FromMilliseconds(500), w));
        Assert.Contains("tasks:  Pending 3  Running 2  Completed 10", run.Out);
        Assert.Contains("queue depth 5", run.Out);
        Assert.Contains("agents: Active 2  Degraded 1", run.Out);
        Assert.Contains("other:  uptimeSeconds 60", run.Out);
        Assert.Contains("tasks:  Pending 1  Completed 14", run.Out);
        Assert.Contains("agents: -", run.Out);
        Assert.Contains("2030-01-01 12:00:01Z  queue depth 0", run.Out);
    }

    [Fact]
    public async Task A_failure_after_the_first_snapshot_is_shown_and_the_watch_goes_on()
    {
        var calls = 0;
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", _ => ++calls == 2
            ? throw new HttpRequestException("Connection refused")
            : (HttpStatusCode.OK, """{"tasks":{"Pending":1},"queueDepth":1,"agents":{"Active":1}}"""));

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "3");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(4, calls);
        Assert.Contains("(stale: cannot reach the coordinator at http://127.0.0.1:5080: Connection refused)", run.Out);
    }
}
