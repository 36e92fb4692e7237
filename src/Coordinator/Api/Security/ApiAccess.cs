using System.Net;
using System.Security.Cryptography;
using System.Text;
using Coordinator.Hosting;

namespace Coordinator.Api.Security;

/// <summary>
/// Who may do what through the HTTP API and the dashboard (section <c>Api</c>). A key comes in the <c>X-Api-Key</c> header,
/// as <c>Authorization: Bearer</c>, or in the dashboard's HTTP-only cookie (set at <c>/login</c>); it is looked up by its
/// SHA-256, compared in constant time. Reads need a read key; anything that changes state (POST, PUT, PATCH, DELETE) needs an
/// operator key, and from the dashboard also its anti-forgery token. Requests without a key pass only where
/// <see cref="ApiSecurityOptions.OpenTo"/> lets them. The dashboard's page, its files and the login are open (they hold no
/// data), and so are the probes unless configured otherwise.
/// </summary>
public sealed class ApiAccess
{
    public const string KeyHeader = "X-Api-Key";
    public const string KeyCookie = "coordinator-key";
    public const string CsrfCookie = "coordinator-csrf";
    public const string CsrfHeader = "X-Csrf-Token";

    /// <summary>Carries this process's own token on the writes it makes for a standby (see <see cref="ForwardApiWriteConsumer"/>).</summary>
    public const string InternalHeader = "X-Coordinator-Internal";

    readonly HashedSecrets<(string Name, ApiRole Role)> _keys;
    readonly byte[] _internal = RandomNumberGenerator.GetBytes(32);
    readonly bool _openProbes;

    public ApiAccess(ApiSecurityOptions options, IHostEnvironment environment)
    {
        _keys = new(options.Keys.Select(k => (k.Hash, (k.Name, k.Role))));
        OpenTo = options.OpenTo ?? (environment.IsDevelopment() ? ApiOpenTo.Loopback : ApiOpenTo.Nobody);
        _openProbes = options.OpenProbes;
    }

    public ApiOpenTo OpenTo { get; }

    public int KeyCount => _keys.Count;

    /// <summary>This process's own token for the writes it replays on a standby's behalf (never leaves the process).</summary>
    public string InternalToken => Convert.ToHexString(_internal);

    /// <summary>The configured key this is, if any (each compared in constant time).</summary>
    public (string Name, ApiRole Role)? Find(string key) => _keys.TryFind(key, out var found) ? found : null;

    static bool IsOpenPath(PathString path) =>
        path == "/" || path == "/login" || path == "/logout" || path.StartsWithSegments("/dashboard");

    static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path == "/metrics";

    static bool Changes(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>Null when the request may go on; otherwise the status (401 or 403) and the reason.</summary>
    public (int Status, string Error)? Check(HttpContext context)
    {
        var request = context.Request;
        if (IsOpenPath(request.Path) || (_openProbes && IsProbe(request.Path)))
            return null;
        if (Agents.Identity.AgentEnrollment.IsEnrollment(request))
            return null; // an agent's enrolment carries a bootstrap token, which the route checks itself
        if (request.Headers[InternalHeader] is [{ } token]
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(InternalToken)))
            return null;

        var fromCookie = false;
        string? key = request.Headers[KeyHeader] is [{ Length: > 0 } header] ? header : null;
        if (key is null && request.Headers.Authorization is [{ } authorization] && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            key = authorization["Bearer ".Length..].Trim();
        if (key is null && request.Cookies.TryGetValue(KeyCookie, out var cookie) && cookie.Length > 0)
        {
            key = cookie;
            fromCookie = true;
        }

        if (key is null)
        {
            if (OpenTo == ApiOpenTo.Everyone || (OpenTo == ApiOpenTo.Loopback && IsLoopback(context.Connection.RemoteIpAddress)))
                return null;
            return (StatusCodes.Status401Unauthorized,
                $"an API key is needed: send it in the {KeyHeader} header (or as Authorization: Bearer); the dashboard asks for it at /login");
        }
        if (Find(key) is not { } found)
            return (StatusCodes.Status401Unauthorized, "this API key is not known");
        if (Changes(request.Method))
        {
            if (found.Role != ApiRole.Operator)
                return (StatusCodes.Status403Forbidden, $"key '{found.Name}' may only read; {request.Method} {request.Path} needs an operator key");
            if (fromCookie && !CsrfMatches(request))
                return (StatusCodes.Status403Forbidden, $"the dashboard's anti-forgery token is missing or wrong (the {CsrfHeader} header must match the {CsrfCookie} cookie); reload the page");
        }
        return null;
    }

    static bool CsrfMatches(HttpRequest request) =>
        request.Cookies.TryGetValue(CsrfCookie, out var expected) && expected.Length >= 16
        && request.Headers[CsrfHeader] is [{ } given]
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(expected));
}
