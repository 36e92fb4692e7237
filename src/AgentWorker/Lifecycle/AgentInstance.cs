using System.Reflection;
using Coordinator.Contracts;

namespace AgentWorker.Lifecycle;

/// <summary>This process's identity as an agent: fixed for the life of the process.</summary>
public sealed class AgentInstance(AgentOptions options, TimeProvider time)
{
    public string AgentId { get; } = options.AgentId;

    /// <summary>New on every process start: lets the coordinator tell a restart from a second live copy.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public RegisterAgent Registration() => new()
    {
        AgentId = AgentId,
        InstanceId = InstanceId,
        Capabilities = options.CapabilityList,
        Resources = new AgentResources { CpuCores = options.CpuCores, MemoryMb = options.MemoryMb, DiskMb = options.DiskMb },
        MaxConcurrentTasks = options.MaxConcurrentTasks,
        Metadata = new AgentMetadata
        {
            AgentType = options.AgentType,
            Version = typeof(AgentInstance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            StartedAt = StartedAt,
            HostName = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            Labels = options.Labels,
        },
        Timestamp = time.GetUtcNow(),
    };
}
