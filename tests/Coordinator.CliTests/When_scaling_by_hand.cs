using System.Net;
using System.Text.Json;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_scaling_by_hand
{
    readonly TestCli cli = new();

    [Fact]
    public async Task Up_posts_the_count_and_profile_and_prints_the_started_agents_and_the_reason()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/scaling/up", HttpStatusCode.Accepted,
            """{"agentIds":["gpu-aa11bb","gpu-cc22dd"],"reason":"asked through the API"}""");

        var run = await cli.RunAsync("scaling", "up", "2", "--profile", "gpu");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/scaling/up")).Json;
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        Assert.Equal("gpu", body.GetProperty("profile").GetString());
        Assert.Contains("started 2 agent(s): gpu-aa11bb, gpu-cc22dd", run.Out);
        Assert.Contains("reason: asked through the API", run.Out);
    }

    [Fact]
    public async Task Up_without_a_profile_leaves_it_to_the_coordinator()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/scaling/up", HttpStatusCode.Accepted,
            """{"agentIds":["default-aa11bb"],"reason":"asked through the API"}""");

        var run = await cli.RunAsync("scaling", "up", "1");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.Requests).Json;
        Assert.Equal(1, body.GetProperty("count").GetInt32());
        Assert.False(body.TryGetProperty("profile", out _), body.GetRawText());
        Assert.Contains("started 1 agent(s): default-aa11bb", run.Out);
    }

    [Fact]
    public async Task Up_that_started_nothing_says_so_with_the_limit()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/scaling/up", HttpStatusCode.Accepted,
            """{"agentIds":[],"reason":"asked through the API; limited: at the maximum of 8 [agents]"}""");

        var run = await cli.RunAsync("scaling", "up", "3");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no agent started", run.Out);
        Assert.Contains("reason: asked through the API; limited: at the maximum of 8 [agents]", run.Out);
    }

    [Fact]
    public async Task Down_posts_the_count_and_prints_the_agents_chosen_to_drain()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/scaling/down", HttpStatusCode.Accepted,
            """{"agentIds":["default-1a2b3c"],"reason":"asked through the API; limited by the minimum of 3 and the agents it runs"}""");

        var run = await cli.RunAsync("scaling", "down", "2");

        Assert.Equal(0, run.ExitCode);
        var request = Assert.Single(cli.Coordinator.Requests);
        Assert.Equal("/api/scaling/down", request.PathAndQuery);
        Assert.Equal("""{"count":2}""", JsonSerializer.Serialize(request.Json));
        Assert.Contains("draining, then stopping 1 agent(s): default-1a2b3c", run.Out);
        Assert.Contains("reason: asked through the API; limited by the minimum of 3 and the agents it runs", run.Out);
    }

    [Theory]
    [InlineData("up", "count must be between 1 and MaxAgents (8), was 9")]
    [InlineData("down", "count must be between 1 and MaxAgents (8), was 9")]
    public async Task A_400_exits_2_with_the_coordinators_message(string direction, string error)
    {
        cli.Coordinator.On(HttpMethod.Post, $"/api/scaling/{direction}", HttpStatusCode.BadRequest, JsonSerializer.Serialize(new { error }));

        var run = await cli.RunAsync("scaling", direction, "9");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {error}", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task An_unknown_profile_exits_2_with_the_known_ones()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/scaling/up", HttpStatusCode.BadRequest,
            """{"error":"profile 'x' is not configured; known: default"}""");

        var run = await cli.RunAsync("scaling", "up", "1", "--profile", "x");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: profile 'x' is not configured; known: default", run.Error);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    public async Task Disabled_scaling_409_exits_6_with_the_coordinators_message(string direction)
    {
        cli.Coordinator.On(HttpMethod.Post, $"/api/scaling/{direction}", HttpStatusCode.Conflict,
            """{"error":"scaling is disabled (Scaling:Enabled = false)"}""");

        var run = await cli.RunAsync("scaling", direction, "1");

        Assert.Equal(6, run.ExitCode);
        Assert.Contains("error: scaling is disabled (Scaling:Enabled = false)", run.Error);
        Assert.Equal("", run.Out);
    }
}
