using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Observability;

/// <summary>
/// /metrics as Prometheus sees it: Debian's prometheus (scripts/ensure-observability-tools.sh installs it) started by the
/// test on 127.0.0.1 with a scrape config for the coordinator, queried through its HTTP API; and promtool's lint.
/// </summary>
public sealed class When_prometheus_scrapes
{
    static string Run(string program, string stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish within 30 s");
        }
        return $"exit {process.ExitCode}\n{output.Result}{error.Result}";
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_coordinators_series_and_promtool_passes_them()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "1" });
        await system.StartActiveAgentsAsync(("scraped", ["--concurrency", "2"]));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add(await system.Api.SubmitAsync(new { taskType = "echo", payload = new { i } }));
        var failing = await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = "counted" } });
        foreach (var id in ids)
            await system.WaitForTaskAsync(id, "Completed");
        await system.WaitForTaskAsync(failing, "DeadLettered");

        var exposition = await system.Api.Http.GetStringAsync("/metrics");
        foreach (var series in new[]
                 {
                     "coordinator_task_attempts_finished_total{outcome=\"completed\"} 5",
                     "coordinator_task_attempts_finished_total{outcome=\"failed\"} 1",
                     "coordinator_agent_tasks_failed_total{agent_id=\"scraped\"} 1",
                     "coordinator_tasks{status=\"DeadLettered\"} 1",
                     "coordinator_agent_tasks_completed_total{agent_id=\"scraped\"} 5",
                     "coordinator_agents{state=\"Active\"} 1",
                     "coordinator_agent_slots{agent_id=\"scraped\"}",
                     "coordinator_task_assignment_seconds_bucket",
                     "coordinator_task_end_to_end_seconds_count 5",
                     "coordinator_tasks{status=\"Completed\"} 5",
                     "coordinator_backlog_tasks 0",
                     "coordinator_tasks_submitted_total 6",
                     "coordinator_failure_detection_seconds_count 0",
                     "coordinator_slot_utilisation_ratio 0",
                     "coordinator_load_balance_jain_index 1",
                     "coordinator_agent_completion_ratio{agent_id=\"scraped\"} 0.8333",
                     "coordinator_agent_average_task_seconds{agent_id=\"scraped\"}",
                 })
            Assert.True(exposition.Contains(series, StringComparison.Ordinal), $"no `{series}` in\n{exposition}");
        var lint = Run("promtool", exposition, "check", "metrics");
        Assert.True(lint.StartsWith("exit 0", StringComparison.Ordinal), lint);

        // A real Prometheus, on loopback, scraping every second.
        var port = FreePort.Next();
        var directory = Path.Combine(system.WorkDirectory, "prometheus");
        Directory.CreateDirectory(directory);
        var target = system.Api.Http.BaseAddress!.Authority;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: coordinator
                static_configs:
                  - targets: ["{target}"]
            """);
        Assert.StartsWith("exit 0", Run("promtool", "", "check", "config", config));
        await using var prometheus = new HostProcess("prometheus", $"--config.file={config}",
            [$"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}"],
            new Dictionary<string, string>(), directory, program: "prometheus");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        async Task<JsonElement> QueryAsync(string query)
        {
            var body = await http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}");
            return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result");
        }

        static double Value(JsonElement result) => double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);

        var up = await Eventually.Until(() => QueryAsync("up{job=\"coordinator\"}"), r => r.GetArrayLength() == 1 && Value(r) == 1,
            TimeSpan.FromSeconds(30), "Prometheus to scrape the coordinator", () => prometheus.Output);
        var completed = await Eventually.Until(() => QueryAsync("sum(coordinator_task_attempts_finished_total{outcome=\"completed\"})"),
            r => r.GetArrayLength() == 1 && Value(r) == 5, TimeSpan.FromSeconds(30), "the completed attempts in Prometheus", () => prometheus.Output);
        var active = await QueryAsync("coordinator_agents{state=\"Active\"}");
        Assert.Equal(1, Value(active));
        var latencies = await QueryAsync("sum(coordinator_task_end_to_end_seconds_count)");
        Assert.Equal(5, Value(latencies));
        var slowest = await QueryAsync("histogram_quantile(1, sum(coordinator_task_end_to_end_seconds_bucket) by (le))");
        Assert.True(Value(slowest) is > 0 and <= 60, slowest.ToString());
        Assert.Equal(1, Value(up));
        Assert.Equal(5, Value(completed));
    }
}
