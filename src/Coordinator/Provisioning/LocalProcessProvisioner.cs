using System.Collections.Concurrent;
using System.Diagnostics;
using Coordinator.Hosting;

namespace Coordinator.Provisioning;

/// <summary>
/// Agents as local processes (`dotnet AgentWorker.dll --agent-id …`). A process that exits, or an agent
/// declared failed, is restarted after a backoff that doubles with each failure in a row (reset after a
/// minute of good health), up to MaxRestartBackoff.
/// </summary>
public sealed partial class LocalProcessProvisioner(
    ProvisioningOptions options,
    RabbitMqOptions broker,
    TimeProvider time,
    ILogger<LocalProcessProvisioner> logger) : IAgentProvisioner, IAsyncDisposable
{
    sealed class Owned(ProvisionedAgentSpec spec)
    {
        public ProvisionedAgentSpec Spec { get; } = spec;
        public Process? Process { get; set; }
        public int FailuresInARow { get; set; }
        public DateTimeOffset StartedAt { get; set; }
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public bool Stopped { get; set; }
    }

    readonly ConcurrentDictionary<string, Owned> _agents = new(StringComparer.Ordinal);

    public bool Owns(string agentId) => _agents.ContainsKey(agentId);

    public Task StartAsync(ProvisionedAgentSpec spec, CancellationToken cancellationToken)
    {
        var owned = _agents.GetOrAdd(spec.AgentId, _ => new Owned(spec));
        Launch(owned);
        return Task.CompletedTask;
    }

    public async Task RestartAsync(string agentId, string reason, DateTimeOffset? lastHeard, CancellationToken cancellationToken)
    {
        if (!_agents.TryGetValue(agentId, out var owned))
            return;
        await owned.Gate.WaitAsync(cancellationToken);
        try
        {
            if (owned.Stopped || lastHeard is { } heard && heard < owned.StartedAt)
                return;
            if (time.GetUtcNow() - owned.StartedAt > TimeSpan.FromMinutes(1))
                owned.FailuresInARow = 0;
            var delay = Backoff(owned.FailuresInARow++);
            LogRestarting(agentId, reason, delay.TotalMilliseconds, owned.FailuresInARow);
            var failedProcess = owned.Process;
            owned.Process = null; // its exit is this restart, not another failure
            Kill(failedProcess);
            await Task.Delay(delay, time, cancellationToken);
            Launch(owned);
        }
        finally
        {
            owned.Gate.Release();
        }
    }

    public Task StopAsync(string agentId, CancellationToken cancellationToken)
    {
        if (_agents.TryRemove(agentId, out var owned))
        {
            owned.Stopped = true;
            Kill(owned.Process);
        }
        return Task.CompletedTask;
    }

    TimeSpan Backoff(int failuresInARow)
    {
        var delay = options.RestartBackoff * Math.Pow(2, Math.Min(failuresInARow, 16));
        return delay < options.MaxRestartBackoff ? delay : options.MaxRestartBackoff;
    }

    void Launch(Owned owned)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(AgentWorkerDll());
        foreach (var argument in new[] { "--agent-id", owned.Spec.AgentId, "--capabilities", owned.Spec.Capabilities, "--concurrency", owned.Spec.Concurrency.ToString() })
            start.ArgumentList.Add(argument);
        start.Environment["RabbitMq__Host"] = broker.Host;
        start.Environment["RabbitMq__Port"] = broker.Port.ToString();
        start.Environment["RabbitMq__VirtualHost"] = broker.VirtualHost;
        start.Environment["RabbitMq__Username"] = broker.Username;
        start.Environment["RabbitMq__Password"] = broker.Password;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) =>
        {
            if (!owned.Stopped && ReferenceEquals(owned.Process, process))
                _ = RestartAsync(owned.Spec.AgentId, $"process {process.Id} exited", null, CancellationToken.None);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        owned.Process = process;
        owned.StartedAt = time.GetUtcNow();
        LogStarted(owned.Spec.AgentId, process.Id);
    }

    string AgentWorkerDll()
    {
        if (!string.IsNullOrWhiteSpace(options.AgentWorkerDll))
            return options.AgentWorkerDll;
        // src/Coordinator/bin/<Configuration>/net10.0 -> src/AgentWorker/bin/<Configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "AgentWorker", "bin", here.Parent.Name, here.Name, "AgentWorker.dll");
    }

    static void Kill(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var owned in _agents.Values)
        {
            owned.Stopped = true;
            Kill(owned.Process);
        }
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Started agent {AgentId} as process {ProcessId}")]
    partial void LogStarted(string agentId, int processId);

    [LoggerMessage(LogLevel.Warning, "Restarting agent {AgentId} ({Reason}) in {DelayMs} ms (failure {Failures} in a row)")]
    partial void LogRestarting(string agentId, string reason, double delayMs, int failures);
}
