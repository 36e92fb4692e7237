using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Coordinator.Hosting;

public static class SerilogBootstrap
{
    /// <summary>First stage: a console logger so that failures before configuration is read are logged too.</summary>
    public static void CreateBootstrapLogger() =>
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();

    /// <summary>Second stage: the logger configured from the <c>Serilog</c> section of appsettings.</summary>
    public static IServiceCollection AddConfiguredSerilog(this IServiceCollection services) =>
        services.AddSerilog((sp, lc) => lc
            .ReadFrom.Configuration(sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>())
            .ReadFrom.Services(sp)
            .Enrich.FromLogContext());

    /// <summary>Builds and runs a host, logging a start-up failure (such as invalid configuration) and returning exit code 1 for it.</summary>
    public static async Task<int> RunLoggedAsync(Func<IHost> build)
    {
        try
        {
            using var host = build();
            await host.RunAsync();
            return Environment.ExitCode; // 0, unless the program stopped itself for a reason it set (an agent refused for good)
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Fatal(ex, "Host terminated: {Reason}", ex.Message);
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
