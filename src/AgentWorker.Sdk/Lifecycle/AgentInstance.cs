using System.Reflection;
using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>This process's identity as an agent: fixed for the life of the process.</summary>
internal sealed class AgentInstance(AgentOptions options, TaskHandlers handlers, TimeProvider time)
{
    public string AgentId { get; } = options.AgentId;

    /// <summary>What it offers: <c>Agent:Capabilities</c> when configured, otherwise the task types of its handlers.</summary>
    public IReadOnlyList<string> Capabilities { get; } = options.Capabilities is null ? handlers.TaskTypes : options.CapabilityList;

    /// <summary>New on every process start: lets the coordinator tell a restart from a second live copy.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long _acceptedAtTicks;

    /// <summary>
    /// When the coordinator accepted this instance (its clock): assignments made before were made to an earlier instance of
    /// this agent id (a process this one replaced), and the coordinator moves those elsewhere; this one never runs them.
    /// </summary>
    public DateTimeOffset AcceptedAt => new(Interlocked.Read(ref _acceptedAtTicks), TimeSpan.Zero);

    /// <summary>Completes once the coordinator has accepted this instance.</summary>
    public Task Registered => _registered.Task;

    /// <summary>
    /// The coordinator accepted the registration, at <paramref name="at"/> (its record of when this instance was accepted, so
    /// a late answer to a repeated request says the same). An acceptance after an eviction starts a fresh window.
    /// </summary>
    public void Accepted(DateTimeOffset at, bool afterEviction)
    {
        if (afterEviction || !_registered.Task.IsCompleted || at.UtcTicks < Interlocked.Read(ref _acceptedAtTicks))
            Interlocked.Exchange(ref _acceptedAtTicks, at.UtcTicks);
        _registered.TrySetResult();
    }

    public RegisterAgent Registration() => new()
    {
        AgentId = AgentId,
        InstanceId = InstanceId,
        Capabilities = Capabilities,
        Resources = new AgentResources { CpuCores = options.CpuCores, MemoryMb = options.MemoryMb, DiskMb = options.DiskMb },
        MaxConcurrentTasks = options.MaxConcurrentTasks,
        Metadata = new AgentMetadata
        {
            AgentType = options.AgentType,
            Version = (Assembly.GetEntryAssembly() ?? typeof(AgentInstance).Assembly).GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            StartedAt = StartedAt,
            HostName = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            Labels = options.Labels,
        },
        Timestamp = time.GetUtcNow(),
    };
}
