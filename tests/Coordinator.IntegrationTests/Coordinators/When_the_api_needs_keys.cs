using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coordinator.IntegrationTests.Infrastructure;

namespace Coordinator.IntegrationTests.Coordinators;

/// <summary>
/// The HTTP API and the dashboard behind keys (Api:Keys, hashed, each read-only or operator), as outside Development: no
/// request passes without a key but the probes; a read key reads and may not change anything; an operator key does both;
/// the dashboard signs in with a key kept in an HTTP-only cookie, and its changes need the anti-forgery token; the CLI takes
/// the key; a standby forwards an operator's write to the owner, which takes it.
/// </summary>
public sealed class When_the_api_needs_keys
{
    static readonly string ReadKey = TestApiKeys.Read;
    static readonly string OperatorKey = TestApiKeys.Operator;

    static readonly Dictionary<string, string> Keys = TestApiKeys.Settings();

    static async Task<(HttpStatusCode Status, string Error)> CallAsync(HttpClient http, HttpMethod method, string path, object? body = null,
        Action<HttpRequestMessage>? decorate = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
        decorate?.Invoke(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var error = text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("error", out var e) ? e.GetString() ?? "" : "";
        return (response.StatusCode, error);
    }

    [Fact]
    public async Task Reads_need_a_read_key_changes_an_operator_key_and_the_probes_stay_open()
    {
        await using var system = await TestSystem.StartAsync(postgres: true, coordinatorSettings: Keys, apiKey: OperatorKey);
        var address = system.Api.Http.BaseAddress!;
        using var anonymous = new CoordinatorApi(address);
        using var reader = new CoordinatorApi(address, ReadKey);
        using var operatorApi = new CoordinatorApi(address, OperatorKey);
        using var stranger = new CoordinatorApi(address, "not-a-key-of-ours");

        // No key: 401 with a reason, from this machine too; the probes answer.
        var (status, error) = await CallAsync(anonymous.Http, HttpMethod.Get, "/api/agents");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("an API key is needed: send it in the X-Api-Key header", error);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(anonymous.Http, HttpMethod.Post, "/api/tasks", new { taskType = "echo" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(anonymous.Http, HttpMethod.Get, "/openapi/v1.json")).Status);
        foreach (var probe in new[] { "/health/live", "/health/ready", "/health/owner", "/metrics", "/", "/login" })
            Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync(probe)).StatusCode);
        Assert.Equal("this API key is not known", (await CallAsync(stranger.Http, HttpMethod.Get, "/api/tasks")).Error);

        // A read key reads, and may change nothing.
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(reader.Http, HttpMethod.Get, "/api/tasks")).Status);
        (status, error) = await CallAsync(reader.Http, HttpMethod.Post, "/api/tasks", new { taskType = "echo" });
        Assert.Equal((HttpStatusCode.Forbidden, "key 'watcher' may only read; POST /api/tasks needs an operator key"), (status, error));
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(reader.Http, HttpMethod.Delete, "/api/agents/any")).Status);

        // An operator key does both; so does a bearer token.
        await system.StartActiveAgentsAsync(("keyed", []));
        var id = await operatorApi.SubmitAsync(new { taskType = "echo", payload = new { keyed = true } });
        Assert.Equal("Completed", (await Eventually.Until(() => operatorApi.TaskAsync(id), t => t?.Status == "Completed", TimeSpan.FromSeconds(30),
            "the keyed task to complete", system.Diagnostics))!.Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(anonymous.Http, HttpMethod.Get, "/api/agents",
            decorate: r => r.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ReadKey))).Status);

        // A standby checks the key and forwards the operator's write; the owner takes it.
        await system.StartCoordinatorAsync("standby");
        using var standby = new CoordinatorApi(system.Api.Http.BaseAddress!, OperatorKey);
        using (var forwarded = await standby.Http.PostAsync("/api/tasks/no-such-task/cancel", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, forwarded.StatusCode); // the owner's answer: it was let in there
            Assert.True(forwarded.Headers.Contains("X-Answered-By-Coordinator"));
        }
        using var standbyReader = new CoordinatorApi(system.Api.Http.BaseAddress!, ReadKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(standbyReader.Http, HttpMethod.Post, "/api/tasks/no-such-task/cancel")).Status);

        // The CLI: with the key from the environment, and without.
        await using (var cli = new CliProcess(system, ["tasks"], new Dictionary<string, string> { ["COORDINATOR_API_KEY"] = ReadKey }))
            Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await using (var cli = new CliProcess(system, ["tasks"]))
        {
            Assert.NotEqual(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("an API key is needed", cli.Output);
        }
    }

    [Fact]
    public async Task The_dashboard_signs_in_with_a_key_in_an_http_only_cookie_and_its_changes_need_the_anti_forgery_token()
    {
        await using var system = await TestSystem.StartAsync(coordinatorSettings: Keys, apiKey: OperatorKey);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = system.Api.Http.BaseAddress,
        };

        using (var wrong = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "guessed" })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("That key is not known.", await wrong.Content.ReadAsStringAsync());
        }
        using (var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = OperatorKey })))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var setCookies = login.Headers.GetValues("Set-Cookie").ToList();
            Assert.Contains(setCookies, c => c.StartsWith("coordinator-key=") && c.Contains("httponly", StringComparison.OrdinalIgnoreCase)
                                             && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(setCookies, c => c.StartsWith("coordinator-csrf=") && !c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        }

        // Reads with the cookie alone; a change without the token is refused, with it let in (the task is then not found).
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(browser, HttpMethod.Get, "/api/agents")).Status);
        var (status, error) = await CallAsync(browser, HttpMethod.Post, "/api/tasks/no-such-task/cancel");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("anti-forgery token is missing or wrong", error);
        var token = cookies.GetCookies(browser.BaseAddress!)["coordinator-csrf"]!.Value;
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(browser, HttpMethod.Post, "/api/tasks/no-such-task/cancel",
            decorate: r => r.Headers.Add("X-Csrf-Token", token))).Status);

        using (var logout = await browser.PostAsync("/logout", null))
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(browser, HttpMethod.Get, "/api/agents")).Status);
    }
}
