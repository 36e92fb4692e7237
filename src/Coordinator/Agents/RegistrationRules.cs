using Coordinator.Contracts;
using Coordinator.Resources;

namespace Coordinator.Agents;

/// <summary>What makes a registration acceptable. Returns the reason it is not, or null.</summary>
public sealed class RegistrationRules(ResourceLimitsOptions limits)
{
    public const int MaxCapabilities = 64;

    public string? Validate(RegisterAgent message)
    {
        if (string.IsNullOrWhiteSpace(message.AgentId))
            return "AgentId is empty";
        if (!AgentIdentity.ValidId().IsMatch(message.AgentId))
            return $"AgentId '{Truncate(message.AgentId)}' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
        if (message.InstanceId == Guid.Empty)
            return "InstanceId is empty";
        if (message.Capabilities is null || message.Capabilities.Count == 0)
            return "Capabilities is empty: an agent must declare at least one capability";
        if (message.Capabilities.Count > MaxCapabilities)
            return $"Capabilities has {message.Capabilities.Count} entries; at most {MaxCapabilities} are allowed";
        foreach (var capability in message.Capabilities)
        {
            if (string.IsNullOrWhiteSpace(capability) || capability.Length > 64)
                return $"Capabilities contains an invalid entry '{Truncate(capability ?? "")}': each must be 1-64 non-blank characters";
        }

        var resources = message.Resources;
        if (resources is null)
            return "Resources is missing";
        if (!double.IsFinite(resources.CpuCores) || resources.CpuCores <= 0 || resources.CpuCores > limits.MaxAgentCpuCores)
            return $"Resources.CpuCores {resources.CpuCores} is out of range (0, {limits.MaxAgentCpuCores}]";
        if (resources.MemoryMb <= 0 || resources.MemoryMb > limits.MaxAgentMemoryMb)
            return $"Resources.MemoryMb {resources.MemoryMb} is out of range (0, {limits.MaxAgentMemoryMb}]";
        if (resources.DiskMb < 0 || resources.DiskMb > limits.MaxAgentDiskMb)
            return $"Resources.DiskMb {resources.DiskMb} is out of range [0, {limits.MaxAgentDiskMb}]";
        if (message.MaxConcurrentTasks < 1 || message.MaxConcurrentTasks > limits.MaxTasksPerAgent)
            return $"MaxConcurrentTasks {message.MaxConcurrentTasks} is out of range [1, {limits.MaxTasksPerAgent}]";
        return null;
    }

    static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "...";
}
