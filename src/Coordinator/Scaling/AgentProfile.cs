using System.Text.RegularExpressions;
using Coordinator.Contracts;

namespace Coordinator.Scaling;

/// <summary>
/// A kind of agent the ScalingManager can start, <c>Scaling:Profiles:N</c>: what it offers (capabilities,
/// concurrency, declared resources) and what it costs. Agents started from it are named <c>{Name}-{suffix}</c>.
/// </summary>
public sealed partial class AgentProfile
{
    public string Name { get; set; } = "";

    /// <summary>Comma-separated task types and tags the agent serves.</summary>
    public string Capabilities { get; set; } = "echo,sleep,compute,fail,steps";

    public int Concurrency { get; set; } = 4;

    public double CpuCores { get; set; } = 1;

    public long MemoryMb { get; set; } = 1024;

    public long DiskMb { get; set; } = 1024;

    /// <summary>What one agent of this profile costs per hour, in the budget's unit.</summary>
    public double CostPerHour { get; set; }

    public IReadOnlyList<string> CapabilityList =>
        Capabilities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public AgentResources Resources => new() { CpuCores = CpuCores, MemoryMb = MemoryMb, DiskMb = DiskMb };

    /// <summary>What is wrong with this profile, each with the key (below the profile) it concerns.</summary>
    public IEnumerable<(string Key, string Message)> Problems()
    {
        if (!ValidName().IsMatch(Name ?? ""))
            yield return (nameof(Name), $"'{Name}' is invalid: use 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit (agent ids are made from it)");
        if (CapabilityList.Count == 0)
            yield return (nameof(Capabilities), "must name at least one capability");
        if (Concurrency is < 1 or > 1024)
            yield return (nameof(Concurrency), $"must be between 1 and 1024, was {Concurrency}");
        if (!double.IsFinite(CpuCores) || CpuCores <= 0)
            yield return (nameof(CpuCores), $"must be a positive number of cores, was {CpuCores}");
        if (MemoryMb <= 0)
            yield return (nameof(MemoryMb), $"must be positive, was {MemoryMb}");
        if (DiskMb < 0)
            yield return (nameof(DiskMb), $"must not be negative, was {DiskMb}");
        if (!double.IsFinite(CostPerHour) || CostPerHour < 0)
            yield return (nameof(CostPerHour), $"must not be negative, was {CostPerHour}");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
    private static partial Regex ValidName();
}
