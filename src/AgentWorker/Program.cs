using AgentWorker.Handlers;
using Coordinator.AgentWorker.Sdk;
using Coordinator.Hosting;

SerilogBootstrap.CreateBootstrapLogger();

return await SerilogBootstrap.RunLoggedAsync(() =>
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddCommandLine(args, AgentWorkerRegistration.SwitchMappings);
    builder.Services.AddConfiguredSerilog();
    builder.Services.AddAgentWorker();
    builder.Services.AddTaskHandler<EchoHandler>();
    builder.Services.AddTaskHandler<SleepHandler>();
    builder.Services.AddTaskHandler<ComputeHandler>();
    builder.Services.AddTaskHandler<FailHandler>();
    builder.Services.AddTaskHandler<StepsHandler>();
    builder.Services.AddConfiguredTracing(builder.Configuration, "coordinator-agent");
    return builder.Build();
});
