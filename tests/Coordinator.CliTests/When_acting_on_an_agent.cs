using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

/// <summary>`agents drain` and `agents fail`: the same calls as the dashboard's buttons.</summary>
public class When_acting_on_an_agent
{
    readonly TestCli cli = new();

    [Fact]
    public async Task Drain_posts_to_the_agent_and_says_what_follows()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/agents/worker-a/drain", HttpStatusCode.Accepted, "");

        var run = await cli.RunAsync("agents", "drain", "worker-a");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/agents/worker-a/drain"));
        Assert.Contains("agent worker-a: told to drain", run.Out);
    }

    [Fact]
    public async Task Draining_a_failed_agent_fails_with_the_servers_reason()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/agents/gone/drain", HttpStatusCode.Conflict,
            """{"error":"agent 'gone' is Failed: there is nothing to drain"}""");

        var run = await cli.RunAsync("agents", "drain", "gone");

        Assert.Equal(6, run.ExitCode); // refused in its state (409)
        Assert.Contains("agent 'gone' is Failed: there is nothing to drain", run.Error);
    }

    [Fact]
    public async Task Fail_posts_the_reason()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/agents/worker-b/failure", HttpStatusCode.Accepted, "");

        var run = await cli.RunAsync("agents", "fail", "worker-b", "--reason", "disk on fire");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/agents/worker-b/failure")).Json;
        Assert.Equal("disk on fire", body.GetProperty("reason").GetString());
        Assert.Contains("agent worker-b: declared failed (disk on fire)", run.Out);
    }

    [Fact]
    public async Task Fail_of_an_unknown_agent_says_it_is_not_found()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/agents/nobody/failure", HttpStatusCode.NotFound, """{"error":"agent 'nobody' not found"}""");

        var run = await cli.RunAsync("agents", "fail", "nobody");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("agent 'nobody' not found", run.Error);
        var body = Assert.Single(cli.Coordinator.Requests).Json;
        Assert.Equal("declared failed by operator", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Drain_without_an_agent_id_is_a_usage_error_and_calls_nothing()
    {
        var run = await cli.RunAsync("agents", "drain");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(cli.Coordinator.Requests);
    }

    [Fact]
    public async Task Credentials_prints_the_environment_to_start_the_agent_with()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/agents/edge-1/credentials", HttpStatusCode.OK,
            """{"agentId":"edge-1","username":"agent-edge-1","password":"s3cret","virtualHost":"/","environment":["RabbitMq__Username=agent-edge-1","RabbitMq__Password=s3cret"]}""");

        var run = await cli.RunAsync("agents", "credentials", "edge-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/agents/edge-1/credentials"));
        Assert.Contains("RabbitMq__Username=agent-edge-1", run.Out);
        Assert.Contains("RabbitMq__Password=s3cret", run.Out);
        Assert.Contains("Agent__AgentId=edge-1", run.Out);
    }

    [Fact]
    public async Task Credentials_without_an_operator_key_fail_with_the_servers_reason()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/agents/edge-1/credentials", HttpStatusCode.Forbidden,
            """{"error":"key 'viewer' may only read; POST /api/agents/edge-1/credentials needs an operator key"}""");

        var run = await cli.RunAsync("agents", "credentials", "edge-1");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("needs an operator key", run.Error);
    }
}
