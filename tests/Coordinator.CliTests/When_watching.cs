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

    const string Metrics = """{"tasks":{"Pending":25,"Running":11},"queueDepth":25,"agents":{"Active":3}}""";

    [Fact]
    public async Task Each_plain_snapshot_has_the_fleet_line_with_the_latest_decision()
    {
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/metrics", Metrics);
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/scaling",
            Json.Scaling(), Json.Scaling().Replace("\"current\":3,\"desired\":4", "\"current\":5,\"desired\":5"));

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/scaling").Count);
        Assert.Contains(
            "  fleet:  3 agent(s), desired 4 (min 3, max 8)  utilisation 91.7%  waiting 25  "
            + "last decision Up (Backlog): 25 'sleep' task(s) waiting for 0 free slot(s)", run.Out);
        Assert.Contains("  fleet:  5 agent(s), desired 5 (min 3, max 8)", run.Out);
        Assert.Contains("tasks:  Pending 25  Running 11", run.Out);
    }

    [Fact]
    public async Task Disabled_scaling_is_one_short_fleet_line()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", HttpStatusCode.OK, Metrics);
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.ScalingDisabled);

        var run = await cli.RunAsync("watch", "--duration", "0.5");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  fleet:  scaling disabled", run.Out);
    }

    [Fact]
    public async Task A_coordinator_without_the_scaling_api_is_watched_without_the_fleet_line_and_not_asked_again()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", HttpStatusCode.OK, Metrics);
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.NotFound, "");

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal(3, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/metrics").Count);
        Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/scaling"));
        Assert.Equal(3, run.Out.Split('\n').Count(l => l.Contains("tasks:  Pending 25  Running 11")));
        Assert.DoesNotContain("fleet", run.Out);
    }

    [Fact]
    public async Task A_failing_scaling_api_is_shown_as_a_stale_fleet_and_the_watch_goes_on()
    {
        var calls = 0;
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", HttpStatusCode.OK, Metrics);
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", _ => ++calls == 2
            ? (HttpStatusCode.InternalServerError, "kaboom")
            : (HttpStatusCode.OK, Json.Scaling()));

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "2");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, calls);
        Assert.Contains("(fleet stale: the coordinator at http://127.0.0.1:5080 answered 500 Internal Server Error: kaboom)", run.Out);
        Assert.Equal(3, run.Out.Split('\n').Count(l => l.Contains("  fleet:  3 agent(s), desired 4")));
    }

    [Fact]
    public async Task The_live_view_on_a_terminal_shows_the_fleet_line()
    {
        cli.Interactive = true;
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", HttpStatusCode.OK, Metrics);
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling(reason: "[red]backlog[/]"));

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("3 agent(s), desired 4 (min 3, max 8)  utilisation 91.7%  waiting 25  last decision Up (Backlog): [red]backlog[/]", run.Out);
        Assert.Contains("Ctrl-C to stop", run.Out);
        Assert.DoesNotContain("  fleet:  ", run.Out);
    }

    [Fact]
    public async Task The_live_view_without_the_scaling_api_still_shows_the_counts()
    {
        cli.Interactive = true;
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", HttpStatusCode.OK, Metrics);
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.NotFound, "");

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Pending", run.Out);
        Assert.Contains("Ctrl-C to stop", run.Out);
        Assert.DoesNotContain("fleet", run.Out);
    }

    [Fact]
    public async Task An_unreachable_coordinator_is_reported_once_and_the_last_fleet_kept()
    {
        var calls = 0;
        cli.Coordinator.On(HttpMethod.Get, "/api/metrics", _ => ++calls == 2
            ? throw new HttpRequestException("Connection refused")
            : (HttpStatusCode.OK, Metrics));
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling());

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/scaling"));
        Assert.Contains("(stale: cannot reach the coordinator at http://127.0.0.1:5080: Connection refused)", run.Out);
        Assert.DoesNotContain("fleet stale", run.Out);
        Assert.Equal(2, run.Out.Split('\n').Count(l => l.Contains("  fleet:  3 agent(s), desired 4")));
    }

    [Fact]
    public async Task Each_plain_snapshot_lists_the_running_tasks_with_their_progress()
    {
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/metrics", Metrics);
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks?status=Running", HttpStatusCode.OK, """
            {"items":[{"taskId":"t-1","taskType":"steps","status":"Running","agentId":"agent-2",
                       "progress":{"percent":75,"message":"step 3 of 4","at":"2030-01-01T11:59:59Z"}},
                      {"taskId":"t-2","taskType":"sleep","status":"Running","agentId":"agent-1"}],
             "page":1,"pageSize":8,"total":2}
            """);

        var run = await cli.RunAsync("watch", "--interval", "1", "--duration", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/tasks?status=Running&page=1&pageSize=8").Count);
        Assert.Contains("running t-1 (steps) on agent-2: 75% step 3 of 4 (1.0s ago)", run.Out);
        Assert.Contains("running t-2 (sleep) on agent-1: -", run.Out);
    }
}
