using Coordinator;
using Coordinator.Api;
using Coordinator.Hosting;

SerilogBootstrap.CreateBootstrapLogger();

return await SerilogBootstrap.RunLoggedAsync(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.Services.AddConfiguredSerilog();
    builder.Services.AddCoordinator(builder.Configuration);
    builder.WebHost.UseUrls(builder.Configuration[$"{CoordinatorOptions.Section}:{nameof(CoordinatorOptions.HttpUrl)}"]
                            ?? new CoordinatorOptions().HttpUrl);

    var app = builder.Build();
    app.MapCoordinatorApi();
    return app;
});
