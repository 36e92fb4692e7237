using Coordinator.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Coordinator.IntegrationTests.Observability;

/// <summary>
/// The dashboard behind keys (Api:OpenTo=Nobody, as outside Development), in a real browser: it sends a visitor without a key
/// to /login; a wrong key is refused there; a read key shows the fleet but may not drain; an operator key drains; a change
/// without the anti-forgery header is refused even with the cookie.
/// </summary>
public sealed class When_the_dashboard_needs_a_key(ITestOutputHelper output)
{
    const string Chromium = "/usr/bin/chromium";
    static readonly float Wait = 30_000;

    [Fact]
    public async Task It_signs_in_with_a_key_and_a_read_key_may_look_but_not_change()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run scripts/ensure-observability-tools.sh");
        await using var system = await TestSystem.StartAsync(coordinatorSettings: TestApiKeys.Settings(), apiKey: TestApiKeys.Operator);
        await system.StartActiveAgentsAsync(("keyed", []));
        var root = system.Api.Http.BaseAddress!.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
        });

        // Without a key: sent to /login. A wrong key is refused there.
        var reader = await browser.NewContextAsync();
        var page = await reader.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.DefaultValue);
        await page.GotoAsync($"{root}/#agents");
        await page.WaitForSelectorAsync("input[name=key]", new() { Timeout = Wait }); // the sign-in form, wherever the page went
        Assert.Equal($"{root}/login", page.Url);
        await page.FillAsync("input[name=key]", "not-a-key");
        await page.ClickAsync("button[type=submit], input[type=submit]");
        await page.WaitForSelectorAsync("text=That key is not known.", new() { Timeout = Wait });

        // A read key: the fleet shows; a drain is refused with the API's reason, and nothing changes.
        await page.FillAsync("input[name=key]", TestApiKeys.Read);
        await page.ClickAsync("button[type=submit], input[type=submit]");
        await page.WaitForSelectorAsync("nav a[data-page='agents']", new() { Timeout = Wait }); // signed in: the dashboard
        var cookies = await reader.CookiesAsync();
        Assert.True(cookies.Single(c => c.Name == "coordinator-key").HttpOnly, "the key's cookie is readable by scripts");
        await page.ClickAsync("nav a[data-page='agents']");
        await page.WaitForSelectorAsync("tr[data-agent-id='keyed'][data-state='Active']", new() { Timeout = Wait });
        await page.ClickAsync("tr[data-agent-id='keyed'] button:text('Drain')");
        await Eventually.Until(() => page.Locator("#agent-message").InnerTextAsync(), text => text.Contains("may only read", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the read key's drain to be refused on the page");
        output.WriteLine($"read key's drain: {await page.Locator("#agent-message").InnerTextAsync()}");
        Assert.Equal("Active", await system.Api.StateOfAsync("keyed"));

        // An operator key: the same button drains.
        var operatorContext = await browser.NewContextAsync();
        var operatorPage = await operatorContext.NewPageAsync();
        operatorPage.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.DefaultValue);
        await operatorPage.GotoAsync($"{root}/login");
        await operatorPage.FillAsync("input[name=key]", TestApiKeys.Operator);
        await operatorPage.ClickAsync("button[type=submit], input[type=submit]");
        await operatorPage.WaitForSelectorAsync("nav a[data-page='agents']", new() { Timeout = Wait });

        // The cookie alone, without the anti-forgery header the page's script sends, changes nothing.
        var forged = await operatorPage.EvaluateAsync<int>(
            "async () => (await fetch('/api/agents/keyed/failure', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status");
        Assert.Equal(403, forged);
        Assert.Equal("Active", await system.Api.StateOfAsync("keyed"));

        await operatorPage.ClickAsync("nav a[data-page='agents']");
        await operatorPage.WaitForSelectorAsync("tr[data-agent-id='keyed'][data-state='Active']", new() { Timeout = Wait });
        await operatorPage.ClickAsync("tr[data-agent-id='keyed'] button:text('Drain')");
        await operatorPage.WaitForSelectorAsync("tr[data-agent-id='keyed'][data-state='Draining']", new() { Timeout = Wait });
        Assert.Equal("Draining", await system.Api.StateOfAsync("keyed"));
    }
}
