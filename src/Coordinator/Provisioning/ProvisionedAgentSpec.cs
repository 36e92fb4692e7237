using System.ComponentModel.DataAnnotations;

namespace Coordinator.Provisioning;

/// <summary>One agent to start: who it is and what it declares (unset resources take the worker's own defaults).</summary>
public sealed class ProvisionedAgentSpec
{
    public string AgentId { get; set; } = "";
    public string Capabilities { get; set; } = "echo,sleep,compute,fail,steps";
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 4;
    public double? CpuCores { get; set; }
    public long? MemoryMb { get; set; }
    public long? DiskMb { get; set; }
    /// <summary>Carried in the agent's registration metadata (e.g. the profile it was started from).</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>The same agent under the name its platform gave it (a Kubernetes pod's).</summary>
    public ProvisionedAgentSpec Named(string agentId) => new()
    {
        AgentId = agentId, Capabilities = Capabilities, Concurrency = Concurrency, CpuCores = CpuCores, MemoryMb = MemoryMb, DiskMb = DiskMb,
        Labels = new Dictionary<string, string>(Labels),
    };
}
