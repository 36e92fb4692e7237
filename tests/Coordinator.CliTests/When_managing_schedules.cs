using System.Net;
using Coordinator.CliTests.Support;

namespace Coordinator.CliTests;

/// <summary>`schedules` and `submit --at`: the API's schedules, from the command line.</summary>
public class When_managing_schedules
{
    readonly TestCli cli = new();

    [Fact]
    public async Task The_list_shows_each_schedule_with_its_next_run_or_paused()
    {
        cli.Coordinator.On(HttpMethod.Get, "/api/schedules", HttpStatusCode.OK, """
            [{"id":"nightly","kind":"cron","cron":"0 2 * * *","timeZone":"Europe/Paris","taskType":"report","paused":false,
              "nextFireAt":"2030-01-02T01:00:00Z","fireCount":41,"lastTaskId":"nightly:20300101T010000Z"},
             {"id":"hourly","kind":"cron","cron":"0 * * * *","timeZone":"UTC","taskType":"sync","paused":true,"fireCount":3},
             {"id":"task:t-9","kind":"once","taskId":"t-9","taskType":"echo","paused":false,"nextFireAt":"2030-01-01T13:00:00Z","fireCount":0}]
            """);

        var run = await cli.RunAsync("schedules");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("0 2 * * * (Europe/Paris)", run.Out);
        Assert.Contains("2030-01-02 01:00:00Z", run.Out);
        Assert.Contains("nightly:20300101T010000Z", run.Out);
        Assert.Contains("paused", run.Out);
        Assert.Contains("t-9", run.Out);
    }

    [Fact]
    public async Task Add_posts_the_cron_time_zone_and_task()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/schedules", HttpStatusCode.Created,
            """{"id":"nightly","kind":"cron","cron":"0 2 * * *","timeZone":"Europe/Paris","taskType":"report","nextFireAt":"2030-01-02T01:00:00Z"}""");

        var run = await cli.RunAsync("schedules", "add", "nightly", "--cron", "0 2 * * *", "--time-zone", "Europe/Paris", "--type", "report",
            "--payload", """{"scope":"all"}""", "--priority", "7");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/schedules")).Json;
        Assert.Equal(("nightly", "0 2 * * *", "Europe/Paris"), (body.GetProperty("id").GetString(), body.GetProperty("cron").GetString(),
            body.GetProperty("timeZone").GetString()));
        Assert.Equal("report", body.GetProperty("task").GetProperty("taskType").GetString());
        Assert.Equal("all", body.GetProperty("task").GetProperty("payload").GetProperty("scope").GetString());
        Assert.Equal(7, body.GetProperty("task").GetProperty("priority").GetInt32());
        Assert.Contains("schedule nightly: '0 2 * * *' in Europe/Paris; first at 2030-01-02 01:00:00Z", run.Out);
    }

    [Fact]
    public async Task A_cron_the_coordinator_cannot_read_is_refused_with_its_reason()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/schedules", HttpStatusCode.BadRequest,
            """{"error":"cron '0 61 * * *' does not parse: minute must be between 0 and 59"}""");

        var run = await cli.RunAsync("schedules", "add", "bad", "--cron", "0 61 * * *", "--type", "echo");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("cron '0 61 * * *' does not parse", run.Error);
    }

    [Fact]
    public async Task Pause_trigger_and_remove_act_on_one_and_an_unknown_one_is_named()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/schedules/nightly/pause", HttpStatusCode.OK, """{"id":"nightly","paused":true,"fireCount":41}""");
        cli.Coordinator.On(HttpMethod.Post, "/api/schedules/nightly/trigger", HttpStatusCode.Accepted,
            """{"scheduleId":"nightly","taskId":"nightly:manual-20300101T120000000Z"}""");
        cli.Coordinator.On(HttpMethod.Delete, "/api/schedules/nightly", HttpStatusCode.NoContent, "");
        cli.Coordinator.On(HttpMethod.Post, "/api/schedules/nope/resume", HttpStatusCode.NotFound, """{"error":"schedule 'nope' not found"}""");

        Assert.Contains("schedule nightly: paused (41 run(s) so far)", (await cli.RunAsync("schedules", "pause", "nightly")).Out);
        Assert.Contains("task nightly:manual-20300101T120000000Z", (await cli.RunAsync("schedules", "trigger", "nightly")).Out);
        Assert.Contains("schedule nightly: removed", (await cli.RunAsync("schedules", "remove", "nightly")).Out);
        var unknown = await cli.RunAsync("schedules", "resume", "nope");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("schedule 'nope' not found", unknown.Error);
    }

    [Fact]
    public async Task Submit_at_sends_the_run_at_time()
    {
        cli.Coordinator.On(HttpMethod.Post, "/api/tasks", HttpStatusCode.Accepted, Json.Accepted("t-1"));

        var run = await cli.RunAsync("submit", "--type", "echo", "--at", "2030-01-01T13:00:00Z");

        Assert.Equal(0, run.ExitCode);
        var body = Assert.Single(cli.Coordinator.RequestsTo(HttpMethod.Post, "/api/tasks")).Json;
        Assert.Equal(DateTimeOffset.Parse("2030-01-01T13:00:00Z"), body.GetProperty("runAt").GetDateTimeOffset());
        Assert.Contains("--at must be an ISO 8601", (await cli.RunAsync("submit", "--type", "echo", "--at", "tomorrow")).Error);
    }
}
