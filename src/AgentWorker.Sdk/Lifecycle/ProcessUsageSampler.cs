using System.Diagnostics;
using Coordinator.Contracts;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>
/// Measures this process: CPU as a percentage of the whole machine since the previous sample,
/// working set, and the size of the agent's work directory.
/// </summary>
internal sealed class ProcessUsageSampler(TimeProvider time, WorkDirectory workDirectory)
{
    TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
    long _lastTimestamp = time.GetTimestamp();

    public ResourceUsage Sample()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = time.GetTimestamp();
        var wall = time.GetElapsedTime(_lastTimestamp, now);
        var cpuPercent = wall > TimeSpan.Zero
            ? (cpu - _lastCpu).TotalMilliseconds / wall.TotalMilliseconds / Environment.ProcessorCount * 100.0
            : 0.0;
        _lastCpu = cpu;
        _lastTimestamp = now;

        return new ResourceUsage
        {
            CpuPercent = Math.Round(Math.Clamp(cpuPercent, 0, 100), 2),
            MemoryMb = process.WorkingSet64 / (1024 * 1024),
            DiskMb = workDirectory.SizeBytes() / (1024 * 1024),
        };
    }
}
