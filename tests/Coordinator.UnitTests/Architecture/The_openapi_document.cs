using System.Text.Json;
using Coordinator.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Coordinator.UnitTests.Architecture;

/// <summary>Every route the coordinator maps is described in its OpenAPI document, with its methods.</summary>
public sealed class The_openapi_document
{
    [Fact]
    public async Task Describes_every_mapped_route()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.db")}",
        });
        builder.Services.AddCoordinator(builder.Configuration);
        await using var app = builder.Build();
        app.MapCoordinatorApi();
        // What starting the host would do to the pipeline: the routes become the API explorer's (no server, no bus started).
        app.UseRouting();
        app.UseEndpoints(_ => { });

        var mapped = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/openapi/{documentName}.json")
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: Normalise(e.RoutePattern.RawText!), Method: m)))
            .ToHashSet();
        Assert.True(mapped.Count >= 20, string.Join("\n", mapped));

        var document = await app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
        var described = document.Paths.SelectMany(p => p.Value.Operations!.Keys.Select(m => (Path: Normalise(p.Key), Method: m.Method.ToUpperInvariant())))
            .ToHashSet();

        Assert.True(!mapped.Except(described).Any(), $"not described: {string.Join(", ", mapped.Except(described).Select(r => $"{r.Method} {r.Path}"))}\ndescribed: {string.Join(", ", described.Select(r => $"{r.Method} {r.Path}"))}");
        Assert.Contains(("/api/tasks", "POST"), described);
        Assert.Contains(("/metrics", "GET"), described);
        Assert.Contains(("/health/ready", "GET"), described);
    }

    /// <summary>Route templates and OpenAPI paths alike: no trailing slash, no constraints.</summary>
    static string Normalise(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : System.Text.RegularExpressions.Regex.Replace(trimmed, ":[^}]+}", "}");
    }
}
