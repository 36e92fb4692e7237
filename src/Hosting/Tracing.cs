using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coordinator.Hosting;

/// <summary>
/// OpenTelemetry tracing for both hosts, off unless configured by the usual environment variables: it turns on when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set, and <c>OTEL_TRACES_EXPORTER=none</c>
/// turns it off. The OTLP exporter reads the rest itself (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, headers, <c>OTEL_BSP_*</c>);
/// <c>OTEL_SERVICE_NAME</c> names the service. MassTransit's spans carry the trace context through the broker, so one task
/// is one trace: the HTTP request or the intake, placement, the agent's handler, the result.
/// </summary>
public static class Tracing
{
    /// <summary>The product's own spans (placement, handlers), beside MassTransit's.</summary>
    public static readonly ActivitySource Source = new("Coordinator");

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.Equals(configuration["OTEL_TRACES_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase)
        && (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]));

    public static IServiceCollection AddConfiguredTracing(this IServiceCollection services, IConfiguration configuration, string serviceName,
        bool http = false)
    {
        if (!IsConfigured(configuration))
            return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource("MassTransit").AddSource(Source.Name);
                if (http)
                    tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path.StartsWithSegments("/api"));
                tracing.AddOtlpExporter();
            });
        return services;
    }
}
