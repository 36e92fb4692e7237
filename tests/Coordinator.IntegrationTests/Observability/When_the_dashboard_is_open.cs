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

    [Fact]
    public async Task It_lists_the_agents_follows_a_task_to_completed_drains_an_agent_shows_a_killed_one_failed_and_escapes_what_users_wrote()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/ensure-observability-tools.sh");
        await using var system = await TestSystem.StartAsync();
        var agents = await system.StartActiveAgentsAsync(("dash-a", ["--concurrency", "2"]), ("dash-b", ["--concurrency", "2"]));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.DefaultValue); // confirm and prompt: yes, with the default text
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
}
