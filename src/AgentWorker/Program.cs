using AgentWorker.Handlers;
using Coordinator.AgentWorker.Sdk;

// The demo agent: the SDK's runtime with the built-in handlers.
return await AgentHost.RunAsync(args, agent => agent.Services
    .AddTaskHandler<EchoHandler>("echo")
    .AddTaskHandler<SleepHandler>("sleep")
    .AddTaskHandler<ComputeHandler>("compute")
    .AddTaskHandler<FailHandler>("fail")
    .AddTaskHandler<StepsHandler>("steps"));
