using System.Text.RegularExpressions;
using Coordinator.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Observability;

/// <summary>
/// The dashboard in a real browser: Debian's chromium (scripts/ensure-observability-tools.sh installs it), headless,
/// driven by Playwright through its executable path, against a coordinator on the real broker. Nothing is reloaded: what
/// changes reaches the page through its own polling.
/// </summary>
public sealed class When_the_dashboard_is_open(ITestOutputHelper output)
{
    const string Chromium = "/usr/bin/chromium";
    static readonly float Wait = 30_000;

    /// <summary>Where the screenshots go: the test results (README's picture is one of them, copied by hand).</summary>
    static string Screenshot(string name)
    {
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "Coordinator.IntegrationTests", "TestResults");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });

    /// <summary>A page whose script errors are collected, and whose confirm and prompt dialogs are answered yes, with the default text.</summary>
    static async Task<(IPage Page, List<string> Errors)> OpenPageAsync(IBrowser browser)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.DefaultValue); // confirm and prompt: yes, with the default text
        return (page, errors);
    }

    [Fact]
    public async Task It_lists_the_agents_follows_a_task_to_completed_drains_an_agent_shows_a_killed_one_failed_and_escapes_what_users_wrote()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/ensure-observability-tools.sh");
        await using var system = await TestSystem.StartAsync();
        var agents = await system.StartActiveAgentsAsync(("dash-a", ["--concurrency", "2"]), ("dash-b", ["--concurrency", "2"]));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var (page, errors) = await OpenPageAsync(browser);
        var root = system.Api.Http.BaseAddress!.ToString().TrimEnd('/');
        var openApi = await system.Api.Http.GetStringAsync("/openapi/v1.json"); // the API the page uses, described
        Assert.Contains("\"/api/agents/{agentId}/drain\"", openApi);

        // The agents page lists the running agents.
        await page.GotoAsync($"{root}/#agents");
        foreach (var agent in agents)
            await page.WaitForSelectorAsync($"tr[data-agent-id='{agent.AgentId}'][data-state='Active']", new() { Timeout = Wait });

        // A task submitted meanwhile appears on the tasks page and reaches Completed, without a reload.
        await page.ClickAsync("nav a[data-page='tasks']");
        var id = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 1500 } });
        await page.WaitForSelectorAsync($"tr[data-task-id='{id}']", new() { Timeout = Wait });
        await page.WaitForSelectorAsync($"tr[data-task-id='{id}'][data-status='Completed']", new() { Timeout = Wait });
        await page.ClickAsync($"tr[data-task-id='{id}']");
        await page.WaitForSelectorAsync("#task-detail:not([hidden])", new() { Timeout = Wait });
        Assert.Equal(id, await page.Locator("#detail-id").InnerTextAsync());
        var detail = await page.Locator("#detail-fields").InnerTextAsync();
        Assert.Contains("Completed", detail);
        Assert.Contains("attempts", detail);

        // Cancel from the task's detail (through POST /api/tasks/{id}/cancel, as the CLI's `cancel`): it ends Cancelled.
        var longOne = await system.Api.SubmitAsync(new { taskType = "sleep", payload = new { ms = 60_000 } });
        await page.ClickAsync($"tr[data-task-id='{longOne}']");
        await Eventually.Until(() => page.Locator("#detail-id").InnerTextAsync(), text => text == longOne, TimeSpan.FromSeconds(10), "the long task's detail");
        await page.ClickAsync("#detail-cancel");
        await page.WaitForSelectorAsync($"tr[data-task-id='{longOne}'][data-status='Cancelled']", new() { Timeout = Wait });
        Assert.Equal("cancelled: cancelled from the dashboard", (await system.Api.TaskAsync(longOne))!.Reason);
        // Re-run it from the same detail (POST /api/tasks/{id}/retry, as the CLI's `retry`): it runs again, its history keeps the cancel.
        await page.WaitForSelectorAsync("#detail-rerun:not([hidden])", new() { Timeout = Wait });
        await page.ClickAsync("#detail-rerun");
        await page.WaitForSelectorAsync($"tr[data-task-id='{longOne}'][data-status='Running']", new() { Timeout = Wait });
        var rerun = (await system.Api.TaskAsync(longOne))!;
        Assert.Equal("Cancelled", Assert.Single(rerun.EarlierRuns).GetProperty("status").GetString());
        Assert.Contains("attempts 1-1: Cancelled", await page.Locator("#detail-fields").InnerTextAsync());
        await page.ClickAsync("#detail-cancel");
        await page.WaitForSelectorAsync($"tr[data-task-id='{longOne}'][data-status='Cancelled']", new() { Timeout = Wait });
        await page.ClickAsync("#detail-close");

        // What a user wrote is shown as text: a task type that is markup stays characters, and its script never runs.
        const string hostile = "<script>window.__injected=1</script><img src=x onerror=\"window.__injected=2\">";
        // Accepted (it waits for an agent that can run it) or refused (400, no agent could): either way the ledger keeps it.
        var (status, body) = await system.Api.PostTaskAsync(new { taskType = hostile, payload = new { note = "<b>bold?</b>" } });
        Assert.True((int)status is 202 or 400, body.ToString());
        await page.FillAsync("#filter-type", hostile);
        var hostileRow = page.Locator("#task-rows tr");
        var types = await Eventually.Until(() => page.Locator("#task-rows tr td:nth-child(2)").AllInnerTextsAsync(), t => t.Count == 1 && t[0] != "sleep",
            TimeSpan.FromSeconds(10), "the hostile task, alone under the type filter");
        Assert.Equal(hostile, types[0]);
        var hostileId = await hostileRow.GetAttributeAsync("data-task-id");
        await hostileRow.ClickAsync();
        await Eventually.Until(() => page.Locator("#detail-id").InnerTextAsync(), text => text == hostileId, TimeSpan.FromSeconds(10),
            "the hostile task's detail");
        Assert.Contains(hostile, await page.Locator("#detail-fields").InnerTextAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__injected ?? null"));
        Assert.Equal(0, await page.Locator("#task-rows img, #task-rows script, #detail-fields img, #detail-fields b").CountAsync());
        output.WriteLine($"hostile task: {(int)status} {body}");
        await page.FillAsync("#filter-type", "");

        // Drain from the page (through POST /api/agents/{id}/drain, as the CLI's `agents drain`): the agent turns Draining.
        await page.ClickAsync("nav a[data-page='agents']");
        await page.ClickAsync("tr[data-agent-id='dash-a'] button:text('Drain')");
        await page.WaitForSelectorAsync("tr[data-agent-id='dash-a'][data-state='Draining']", new() { Timeout = Wait });
        Assert.Equal("Draining", (await system.Api.AgentAsync("dash-a"))!.State);

        // A killed agent turns Failed on the page.
        agents[1].Kill();
        await page.WaitForSelectorAsync($"tr[data-agent-id='dash-b'][data-state='Failed']", new() { Timeout = Wait });
        var verdict = (await system.Api.AgentAsync("dash-b"))!.StateReason;
        Assert.False(string.IsNullOrWhiteSpace(verdict));
        Assert.Contains(verdict, await page.Locator("tr[data-agent-id='dash-b']").InnerTextAsync());

        // The overview, with the state counts and the graphs, saved with the test output.
        await page.ClickAsync("nav a[data-page='overview']");
        await page.WaitForSelectorAsync("#states li[data-state='Failed']", new() { Timeout = Wait });
        await page.WaitForSelectorAsync("#chart-throughput path.line", new() { Timeout = Wait });
        var shot = Screenshot("dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task It_shows_a_running_tasks_progress_as_it_goes_and_reruns_every_task_that_matches_its_filters_keeping_their_history()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/ensure-observability-tools.sh");
        // One attempt per task: a failure is dead-lettered at once.
        await using var system = await TestSystem.StartAsync(coordinatorSettings: new() { ["Coordinator__MaxRetries"] = "1" });
        await system.StartActiveAgentsAsync(("dash-steps", ["--concurrency", "4"]));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var (page, errors) = await OpenPageAsync(browser);
        await page.Clock.InstallAsync(); // the page's timers: real time until paused below
        await page.GotoAsync($"{system.Api.Http.BaseAddress!.ToString().TrimEnd('/')}/#tasks");

        // A handler that reports progress: its row's Progress cell follows it, step by step, without a reload.
        var steps = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = 40, stepMs = 300 } });
        var progress = page.Locator($"tr[data-task-id='{steps}'][data-status='Running'] td:nth-child(4)");
        static int Step(string text) => Regex.Match(text, @"^\d+(\.\d)?% step (\d+) of 40$") is { Success: true } m ? int.Parse(m.Groups[2].Value) : -1;
        var first = await Eventually.Until(async () => await progress.CountAsync() == 1 ? await progress.InnerTextAsync() : "", t => Step(t) > 0,
            TimeSpan.FromSeconds(30), "the running task's progress on its row", system.Diagnostics);
        var later = await Eventually.Until(async () => await progress.CountAsync() == 1 ? await progress.InnerTextAsync() : "", t => Step(t) > Step(first),
            TimeSpan.FromSeconds(30), $"progress past '{first}'", system.Diagnostics);
        output.WriteLine($"progress on the page: '{first}', then '{later}'");
        // And in its detail, with the checkpoint the handler saved.
        await page.ClickAsync($"tr[data-task-id='{steps}']");
        await Eventually.Until(() => page.Locator("#detail-fields").InnerTextAsync(), t => Regex.IsMatch(t, @"progress\s+\d+(\.\d)?% step \d+ of 40")
            && t.Contains("{\"next\":", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the progress and checkpoint in the detail", system.Diagnostics);
        await page.ClickAsync("#detail-cancel");
        await page.WaitForSelectorAsync($"tr[data-task-id='{steps}'][data-status='Cancelled']", new() { Timeout = Wait });
        await page.ClickAsync("#detail-close");

        // Three failed tasks of one type and one of another: "Re-run all that match" under DeadLettered and the type re-runs the three only.
        var failed = new List<string>();
        for (var i = 0; i < 3; i++)
            failed.Add(await system.Api.SubmitAsync(new { taskType = "fail", payload = new { message = $"dash {i}" } }));
        var otherType = await system.Api.SubmitAsync(new { taskType = "steps", payload = new { steps = -1 } });
        foreach (var id in failed.Append(otherType))
            await system.WaitForTaskAsync(id, "DeadLettered");

        // The filters are set while the listing the first one asked for is under way (held here), and the page's clock stands
        // still, so no poll comes to help: the second filter's listing still follows at once.
        await page.Clock.PauseAtAsync(DateTimeOffset.FromUnixTimeMilliseconds(await page.EvaluateAsync<long>("() => Date.now()")).AddMilliseconds(50).UtcDateTime);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => url.Contains("/api/tasks?", StringComparison.Ordinal) && url.Contains("status=DeadLettered", StringComparison.Ordinal)
            && !url.Contains("type=", StringComparison.Ordinal), async route =>
        {
            held.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        await page.SelectOptionAsync("#filter-status", "DeadLettered");
        await held.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await page.FillAsync("#filter-type", "fail");
        release.SetResult();
        var listed = await Eventually.Until(() => page.Locator("#task-rows tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.taskId + ' ' + r.dataset.status)"),
            rows => rows.Length == 3 && failed.All(id => rows.Contains($"{id} DeadLettered")), TimeSpan.FromSeconds(10),
            "the three failed tasks alone under both filters, with the clock stopped", system.Diagnostics);
        await page.UnrouteAllAsync();
        await page.Clock.ResumeAsync();
        output.WriteLine($"listed under both filters: {string.Join(", ", listed)}");
        await page.ClickAsync("#rerun-matching:not([hidden])");
        await Eventually.Until(() => page.Locator("#rerun-message").InnerTextAsync(), t => t.Length > 0, TimeSpan.FromSeconds(10), "the re-run's answer");
        Assert.Equal("3 task(s) re-run.", await page.Locator("#rerun-message").InnerTextAsync());

        // Each ran again (a second attempt, dead-lettered too, shown on its row) and keeps its first run; the other type was left alone.
        foreach (var id in failed)
            await page.WaitForSelectorAsync($"tr[data-task-id='{id}'][data-status='DeadLettered'] td:nth-child(5):text-is('2')", new() { Timeout = Wait });
        foreach (var id in failed)
        {
            var task = (await system.Api.TaskAsync(id))!;
            Assert.Equal(("DeadLettered", 2), (task.Status, task.Attempts));
            Assert.Equal("DeadLettered", Assert.Single(task.EarlierRuns).GetProperty("status").GetString());
        }
        Assert.Equal(1, (await system.Api.TaskAsync(otherType))!.Attempts);
        await page.ClickAsync($"tr[data-task-id='{failed[0]}']");
        await Eventually.Until(() => page.Locator("#detail-fields").InnerTextAsync(), t => t.Contains("attempts 1-1: DeadLettered (", StringComparison.Ordinal) && t.Contains("dash 0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the earlier run in the detail", system.Diagnostics);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
