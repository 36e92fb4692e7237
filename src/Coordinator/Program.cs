using Coordinator;
using Coordinator.Api;
using Coordinator.Hosting;

SerilogBootstrap.CreateBootstrapLogger();

return await SerilogBootstrap.RunLoggedAsync(() =>
{
    // appsettings.json sits beside the binary; relative paths in configuration (the SQLite file) stay relative to the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Services.AddConfiguredSerilog();
    builder.Services.AddCoordinator(builder.Configuration);
    builder.Services.AddConfiguredTracing(builder.Configuration, "coordinator", http: true);
    builder.WebHost.UseUrls(builder.Configuration[$"{CoordinatorOptions.Section}:{nameof(CoordinatorOptions.HttpUrl)}"]
                            ?? new CoordinatorOptions().HttpUrl);

    var app = builder.Build();
    Coordinator.Api.Security.DefaultCredentials.Check(app.Services);
    app.MapCoordinatorApi();
    return app;
});
