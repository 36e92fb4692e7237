using System.Net;
using System.Security.Cryptography;
using System.Text;
using Coordinator.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Coordinator.UnitTests.Api;

/// <summary>The API's access rule: which request passes without a key, with a read key, with an operator key, from the dashboard.</summary>
public sealed class Who_may_use_the_api
{
    const string ReadKey = "read-key-of-the-test", OperatorKey = "operator-key-of-the-test";

    static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    static ApiAccess Access(string environment, ApiOpenTo? openTo = null, bool openProbes = true) => new(new ApiSecurityOptions
    {
        OpenTo = openTo,
        OpenProbes = openProbes,
        Keys =
        [
            new ApiKeyEntry { Name = "watcher", Role = ApiRole.Read, Hash = Hash(ReadKey) },
            new ApiKeyEntry { Name = "admin", Role = ApiRole.Operator, Hash = Hash(OperatorKey) },
        ],
    }, new HostingEnvironment { EnvironmentName = environment });

    static DefaultHttpContext Request(string method, string path, string from = "127.0.0.1", string? key = null, string? cookie = null, string? csrf = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(from);
        if (key is not null)
            context.Request.Headers[ApiAccess.KeyHeader] = key;
        if (cookie is not null)
            context.Request.Headers.Cookie = $"{ApiAccess.KeyCookie}={cookie}; {ApiAccess.CsrfCookie}=0123456789abcdef0123";
        if (csrf is not null)
            context.Request.Headers[ApiAccess.CsrfHeader] = csrf;
        return context;
    }

    [Fact]
    public void In_development_loopback_needs_no_key_and_anyone_else_does()
    {
        var access = Access(Environments.Development);
        Assert.Null(access.Check(Request("POST", "/api/tasks")));
        Assert.Null(access.Check(Request("GET", "/api/agents", from: "::1")));
        Assert.Null(access.Check(Request("GET", "/api/agents", from: "::ffff:127.0.0.1")));
        Assert.Equal(401, access.Check(Request("GET", "/api/agents", from: "10.1.2.3"))?.Status);
    }

    [Fact]
    public void Elsewhere_every_request_needs_a_key_but_the_probes_and_the_dashboards_page()
    {
        var access = Access(Environments.Production);
        Assert.Equal(ApiOpenTo.Nobody, access.OpenTo);
        Assert.Equal(401, access.Check(Request("GET", "/api/agents"))?.Status);
        foreach (var open in new[] { "/health/live", "/health/ready", "/health/owner", "/metrics", "/", "/login", "/dashboard/dashboard.js" })
            Assert.Null(access.Check(Request("GET", open, from: "10.1.2.3")));
        Assert.Equal(401, Access(Environments.Production, openProbes: false).Check(Request("GET", "/metrics"))?.Status);
        Assert.Null(Access(Environments.Production, openTo: ApiOpenTo.Everyone).Check(Request("DELETE", "/api/agents/a", from: "10.1.2.3")));
    }

    [Fact]
    public void A_read_key_reads_and_an_operator_key_also_changes()
    {
        var access = Access(Environments.Production);
        Assert.Null(access.Check(Request("GET", "/api/tasks", key: ReadKey)));
        Assert.Equal((403, "key 'watcher' may only read; POST /api/tasks needs an operator key"), access.Check(Request("POST", "/api/tasks", key: ReadKey)));
        Assert.Null(access.Check(Request("POST", "/api/tasks", key: OperatorKey)));
        Assert.Equal((401, "this API key is not known"), access.Check(Request("GET", "/api/tasks", key: "guess")));
    }

    [Fact]
    public void The_dashboards_cookie_reads_and_changes_only_with_the_anti_forgery_token()
    {
        var access = Access(Environments.Production);
        Assert.Null(access.Check(Request("GET", "/api/agents", cookie: OperatorKey)));
        Assert.Equal(403, access.Check(Request("POST", "/api/tasks/t/cancel", cookie: OperatorKey))?.Status);
        Assert.Equal(403, access.Check(Request("POST", "/api/tasks/t/cancel", cookie: OperatorKey, csrf: "something-else-entirely"))?.Status);
        Assert.Null(access.Check(Request("POST", "/api/tasks/t/cancel", cookie: OperatorKey, csrf: "0123456789abcdef0123")));
        // A key in the header needs no token: no browser sends it by itself.
        Assert.Null(access.Check(Request("POST", "/api/tasks/t/cancel", key: OperatorKey)));
    }

    [Fact]
    public void The_owner_takes_a_forwarded_write_under_its_own_process_token_only()
    {
        var access = Access(Environments.Production);
        var forwarded = Request("POST", "/api/tasks/t/cancel", from: "10.1.2.3");
        forwarded.Request.Headers[ApiAccess.InternalHeader] = access.InternalToken;
        Assert.Null(access.Check(forwarded));
        forwarded.Request.Headers[ApiAccess.InternalHeader] = Access(Environments.Production).InternalToken; // another process's
        Assert.Equal(401, access.Check(forwarded)?.Status);
    }
}
