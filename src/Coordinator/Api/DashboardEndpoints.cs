using System.Reflection;

namespace Coordinator.Api;

/// <summary>
/// The dashboard at <c>/</c>: three files embedded in the coordinator (Dashboard/), served with a content security policy
/// that allows nothing but this origin (no inline script, no CDN: it works offline).
/// </summary>
public static class DashboardEndpoints
{
    const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    static readonly Dictionary<string, (string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        ["/dashboard/dashboard.js"] = ("dashboard.js", "text/javascript; charset=utf-8"),
        ["/dashboard/dashboard.css"] = ("dashboard.css", "text/css; charset=utf-8"),
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var (path, (resource, contentType)) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.ContentSecurityPolicy = Policy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            }).Produces(StatusCodes.Status200OK, contentType: contentType.Split(';')[0]).WithSummary($"The dashboard's {resource}");
        }
        return app;
    }

    static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Coordinator.Dashboard.{name}")
                           ?? throw new InvalidOperationException($"the dashboard's {name} is not embedded in the coordinator");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
