using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_viewing_scaling
{
    readonly TestCli cli = new();

    [Fact]
    public async Task The_header_shows_size_bounds_load_arrivals_and_cost()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling());

        var run = await cli.RunAsync("scaling");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("/api/scaling", Assert.Single(cli.Coordinator.Requests).PathAndQuery);
        var header = run.Out.Split('\n')[0];
        Assert.Contains("3 agent(s), desired 4 (min 3, max 8), provisioner local", header);
        Assert.Contains("utilisation 91.7%  waiting 25  oldest wait 4.2s", header);
        Assert.Contains("arrivals 10.5/s, forecast 12/s in 10s", header);
        Assert.Contains("cost 0.15/h, no budget", header);
        Assert.Contains("last check: Up (Backlog): 25 'sleep' task(s) waiting for 0 free slot(s)", run.Out);
        Assert.Contains("start to Active: median 1.83s, max 2s, last 1.83s over 2 start(s)", run.Out);
        Assert.Contains("grow?   no: 25 waiting; held: scale-up cooldown, 3 s left", run.Out);
        Assert.Contains("shrink? no: not idle: 25 task(s) waiting (> 0)", run.Out);
    }

    [Fact]
    public async Task A_budget_is_shown_against_the_cost()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling(budget: 0.5));

        var run = await cli.RunAsync("scaling");

        Assert.Contains("cost 0.15/h of a budget of 0.5/h", run.Out);
    }

    [Fact]
    public async Task Each_agent_the_manager_runs_is_a_row_with_profile_phase_state_and_load()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling());

        var run = await cli.RunAsync("scaling");

        var lines = run.Out.Split('\n');
        var running = Assert.Single(lines, l => l.Contains("default-1a2b3c"));
        Assert.Contains("Running", running);
        Assert.Contains("Active", running);
        Assert.Matches(@"\b4\s*│\s*$", running);
        var draining = Assert.Single(lines, l => l.Contains("default-9f9f9f") && l.Contains("Draining"));
        Assert.Matches(@"\b1\s*│\s*$", draining);
        Assert.Single(lines, l => l.Contains("default-cc22dd") && l.Contains("Starting"));
        Assert.Contains("3 agent(s): 1 Draining, 1 Running, 1 Starting", run.Out);
    }

    [Fact]
    public async Task Unservable_demand_and_start_failures_are_reported()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling());

        var run = await cli.RunAsync("scaling");

        Assert.Contains("unservable: 12 'render' task(s) waiting need gpu, which no profile offers", run.Out);
        Assert.Contains(
            "start failures: profile 'gpu' failed 2 time(s) in a row, retried at 2030-01-01 12:00:30Z: could not start agent: no such file",
            run.Out);
    }

    [Fact]
    public async Task The_latest_decisions_are_listed_newest_first_with_their_agent_ids()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling());

        var run = await cli.RunAsync("scaling");

        var lines = run.Out.Split('\n');
        var up = Array.FindIndex(lines, l => l.Contains("2030-01-01 11:59:58Z") && l.Contains("Up") && l.Contains("Backlog")
            && l.Contains("3 -> 5") && l.Contains("default-aa11bb, default-cc22dd"));
        var down = Array.FindIndex(lines, l => l.Contains("2030-01-01 11:00:00Z") && l.Contains("Down") && l.Contains("Idle")
            && l.Contains("idle for 60 s") && l.Contains("default-9f9f9f"));
        Assert.True(up >= 0, run.Out);
        Assert.True(down > up, run.Out);
        Assert.Contains("the latest 2 of 2 decision(s), newest first", run.Out);
    }

    [Fact]
    public async Task Decisions_limits_how_many_are_listed()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.Scaling());

        var run = await cli.RunAsync("scaling", "--decisions", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("3 -> 5", run.Out);
        Assert.DoesNotContain("idle for 60 s", run.Out);
        Assert.Contains("the latest 1 of 2 decision(s)", run.Out);
    }

    [Fact]
    public async Task Markup_characters_from_the_server_are_shown_literally()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK,
            Json.Scaling(reason: "[red]boom[/] and [bold").Replace("\"render\"", "\"[blue]render\"").Replace("no such file", "[/]no such file"));

        var run = await cli.RunAsync("scaling");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("last check: Up (Backlog): [red]boom[/] and [bold", run.Out);
        Assert.Single(run.Out.Split('\n'), l => l.Contains("3 -> 5") && l.Contains("[red]boom[/] and [bold"));
        Assert.Contains("'[blue]render' task(s)", run.Out);
        Assert.Contains("could not start agent: [/]no such file", run.Out);
    }

    [Fact]
    public async Task Disabled_scaling_is_said_plainly_and_exits_0()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.OK, Json.ScalingDisabled);

        var run = await cli.RunAsync("scaling");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("scaling is disabled on the coordinator at http://127.0.0.1:5080 (Scaling:Enabled = false)", run.Out.Trim());
    }

    [Fact]
    public async Task A_coordinator_without_the_scaling_api_exits_4_saying_so()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/scaling", HttpStatusCode.NotFound, "");

        var run = await cli.RunAsync("scaling");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("the coordinator at http://127.0.0.1:5080 has no scaling API (/api/scaling answered 404)", run.Error);
    }
}
