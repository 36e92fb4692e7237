using Coordinator.Hosting;
using Serilog;
using Serilog.Events;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>
/// The whole of an agent's <c>Program.cs</c>:
/// <code>
/// return await AgentHost.RunAsync(args, agent => agent.Services.AddTaskHandler&lt;ResizeImage&gt;("resize-image"));
/// </code>
/// </summary>
public static class AgentHost
{
    const string ConsoleTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Builds and runs an agent until it is stopped (SIGTERM or Ctrl-C: it drains, then unregisters). Configuration comes from
    /// <c>appsettings.json</c> beside the program, <c>appsettings.{Environment}.json</c>, environment variables and the command
    /// line (with the short switches of <see cref="AgentWorkerRegistration.SwitchMappings"/>); logging is Serilog, from the
    /// <c>Serilog</c> section (the console when there is none), with a start-up failure such as bad configuration logged too;
    /// tracing is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="configure">Adds the agent's handlers (<see cref="TaskHandlerRegistration.AddTaskHandler{THandler}"/>) and anything they need.</param>
    /// <param name="serviceName">The service name in traces, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</param>
    /// <returns>The exit code: 0 after a stop, 1 when the host could not start or failed.</returns>
    public static async Task<int> RunAsync(string[] args, Action<HostApplicationBuilder> configure, string serviceName = "coordinator-agent")
    {
        ArgumentNullException.ThrowIfNull(configure);
        SerilogBootstrap.CreateBootstrapLogger();
        return await SerilogBootstrap.RunLoggedAsync(() =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddCommandLine(args, AgentWorkerRegistration.SwitchMappings);
            if (builder.Configuration.GetSection("Serilog").Exists())
                builder.Services.AddConfiguredSerilog();
            else
                builder.Services.AddSerilog(logger => logger
                    .MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                    .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                    .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
                    .Enrich.FromLogContext()
                    .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture));
            builder.Services.AddAgentWorker();
            builder.Services.AddConfiguredTracing(builder.Configuration, serviceName);
            configure(builder);
            return builder.Build();
        });
    }
}
