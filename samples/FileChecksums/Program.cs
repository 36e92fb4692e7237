using Coordinator.AgentWorker.Sdk;
using FileChecksums;

// An agent that serves one task type, "file-checksums" (see ChecksumFiles). Settings: appsettings.json, environment
// variables (RabbitMq__Host, Agent__MaxConcurrentTasks, ...) and switches (--agent-id, --concurrency, ...).
return await AgentHost.RunAsync(args, agent => agent.Services.AddTaskHandler<ChecksumFiles>("file-checksums"),
    serviceName: "file-checksums-agent");
