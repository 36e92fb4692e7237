using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_input_is_bad
{
    readonly TestCli cli = new();

    [Theory]
    [InlineData("--priority must be between 0 and 9", "submit", "--type", "echo", "--priority", "12")]
    [InlineData("--priority must be between 0 and 9", "submit", "--type", "echo", "--priority", "-1")]
    [InlineData("--payload is not valid JSON", "submit", "--type", "echo", "--payload", "{not json")]
    [InlineData("--payload is not valid JSON", "submit", "--type", "echo", "--payload", "hello")]
    [InlineData("--type is required", "submit", "--payload", "{}")]
    [InlineData("--count must be between 1 and", "submit", "--type", "echo", "--count", "0")]
    [InlineData("--deadline must be an ISO 8601 date and time", "submit", "--type", "echo", "--deadline", "tomorrow")]
    [InlineData("--memory must be 0 or more", "submit", "--type", "echo", "--memory", "-5")]
    [InlineData("--timeout must be", "submit", "--type", "echo", "--wait", "--timeout", "0")]
    [InlineData("--file cannot be combined with --type", "submit", "--file", "tasks.json", "--type", "echo")]
    [InlineData("--status must be one of", "tasks", "--status", "Sleeping")]
    [InlineData("--page-size must be between 1 and", "tasks", "--page-size", "0")]
    [InlineData("--interval must be between", "watch", "--interval", "0")]
    [InlineData("--url must be an absolute http:// or https:// address", "agents", "--url", "localhost:5080")]
    [InlineData("<count> must be 1 or more, got 0", "scaling", "up", "0")]
    [InlineData("<count> must be 1 or more, got -2", "scaling", "down", "-2")]
    [InlineData("Required argument missing for command: 'up'", "scaling", "up")]
    [InlineData("--profile must not be empty", "scaling", "up", "1", "--profile", " ")]
    [InlineData("--decisions must be 0 or more", "scaling", "--decisions", "-1")]
    [InlineData("'abc'", "submit", "--type", "echo", "--priority", "abc")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    public async Task It_exits_2_naming_the_problem_without_calling_the_coordinator(string expected, params string[] args)
    {
        var run = await cli.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.Empty(cli.Coordinator.Requests);
    }

    [Fact]
    public async Task A_file_task_with_a_bad_priority_is_rejected_before_anything_is_posted()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cli-tasks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """[{"taskType":"echo"},{"taskType":"echo","priority":12}]""");
        try
        {
            var run = await cli.RunAsync("submit", "--file", path);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("task 2: \"priority\" must be between 0 and 9", run.Error);
            Assert.Empty(cli.Coordinator.Requests);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_coordinators_400_error_text_is_shown_with_exit_code_2()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks", HttpStatusCode.BadRequest, """{"error":"no agent type offers capability 'warp-drive'"}""");

        var run = await cli.RunAsync("submit", "--type", "echo", "--capability", "warp-drive");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: no agent type offers capability 'warp-drive'", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task An_unknown_task_id_exits_4_with_the_coordinators_message()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks/nope", HttpStatusCode.NotFound, """{"error":"task 'nope' not found"}""");

        var run = await cli.RunAsync("task", "nope");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("task 'nope' not found", run.Error);
    }

    [Fact]
    public async Task A_server_error_without_json_names_the_status()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/agents", HttpStatusCode.InternalServerError, "kaboom");

        var run = await cli.RunAsync("agents");

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("answered 500 Internal Server Error: kaboom", run.Error);
    }
}
