using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

public class When_waiting_for_tasks
{
    readonly TestCli cli = new();

    public When_waiting_for_tasks()
    {
        var next = 0;
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks", _ => (HttpStatusCode.Accepted, Json.Accepted($"task-{++next}")));
    }

    [Fact]
    public async Task It_polls_until_the_task_is_terminal_and_exits_0_when_completed()
    {
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/tasks/task-1",
            Json.Task("task-1", "Pending", agentId: null), Json.Task("task-1", "Running"), Json.Task("task-1", "Completed"));

        var run = await cli.RunAsync("submit", "--type", "echo", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/tasks/task-1").Count);
        Assert.Equal(2, cli.Waits.Count);
        Assert.All(cli.Waits, w => Assert.Equal(TimeSpan.FromMilliseconds(250), w));
        Assert.Contains("Completed", run.Out);
        Assert.Contains("all 1 task(s) completed", run.Out);
    }

    [Fact]
    public async Task A_dead_lettered_task_makes_the_exit_code_1_and_its_error_is_shown()
    {
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/tasks/task-1", Json.Task("task-1", "Running"), Json.Task("task-1", "Completed"));
        cli.Coordinator.OnSequence(HttpMethod.Get, "/api/tasks/task-2", Json.Task("task-2", "DeadLettered", error: "handler threw: boom"));

        var run = await cli.RunAsync("submit", "--type", "echo", "--count", "2", "--wait");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DeadLettered", run.Out);
        Assert.Contains("handler threw: boom", run.Out);
        Assert.Contains("1 of 2 task(s) completed", run.Out);
        Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/tasks/task-2"));
    }

    [Fact]
    public async Task A_task_not_yet_in_the_ledger_is_polled_again()
    {
        var answers = 0;
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks/task-1", _ => ++answers < 3
            ? (HttpStatusCode.NotFound, """{"error":"task 'task-1' not found"}""")
            : (HttpStatusCode.OK, Json.Task("task-1", "Completed")));

        var run = await cli.RunAsync("submit", "--type", "echo", "--wait");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, answers);
    }

    [Fact]
    public async Task It_gives_up_at_the_timeout_with_exit_code_1()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks/task-1", HttpStatusCode.OK, Json.Task("task-1", "Pending", agentId: null));

        var run = await cli.RunAsync("submit", "--type", "echo", "--wait", "--timeout", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("gave up after 2 s: 1 task(s) not finished", run.Out);
        Assert.Equal(TimeSpan.FromSeconds(2), cli.Waits.Aggregate(TimeSpan.Zero, (a, b) => a + b));
        Assert.Equal(9, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/tasks/task-1").Count);
    }

    [Fact]
    public async Task A_coordinator_that_stays_away_ends_the_wait_with_exit_code_3()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/tasks/", _ => throw new HttpRequestException("Connection refused (127.0.0.1:5080)"));

        var run = await cli.RunAsync("submit", "--type", "echo", "--wait");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot reach the coordinator at http://127.0.0.1:5080: Connection refused", run.Error);
        Assert.Equal(5, cli.Coordinator.RequestsTo(HttpMethod.Get, "/api/tasks/task-1").Count);
    }
}
