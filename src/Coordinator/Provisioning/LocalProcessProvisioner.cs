using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Coordinator.Agents.Identity;
using Coordinator.Hosting;

namespace Coordinator.Provisioning;

/// <summary>
/// Agents as local processes (`dotnet AgentWorker.dll --agent-id …`). A supervised agent whose process exits, or
/// that is declared failed, is restarted after a backoff that doubles with each failure in a row (reset after a
/// minute of good health), up to MaxRestartBackoff. Any other agent's exit is reported through <see cref="Exited"/>.
/// Stopping sends SIGTERM (the worker drains and unregisters), then kills after the grace.
/// </summary>
public sealed partial class LocalProcessProvisioner(
    ProvisioningOptions options,
    RabbitMqOptions broker,
    AgentCredentials credentials,
    TimeProvider time,
    ILogger<LocalProcessProvisioner> logger) : IAgentProvisioner, IAsyncDisposable
{
    sealed class Owned(ProvisionedAgentSpec spec, bool supervised) : ProvisionedAgent(spec, supervised)
    {
        public Process? Process { get; set; }

        /// <summary>Its own broker user (identity enforced), kept across restarts; null: it connects as the coordinator does.</summary>
        public BrokerUser? BrokerUser { get; set; }
    }

    readonly ConcurrentDictionary<string, Owned> _agents = new(StringComparer.Ordinal);

    public string Name => "local";

    public event Action<string>? Exited;

    public bool Owns(string agentId) => _agents.ContainsKey(agentId);

    public bool? IsRunning(string agentId) => _agents.TryGetValue(agentId, out var owned) ? !owned.Exited : null;

    public async Task<string> StartAsync(ProvisionedAgentSpec spec, bool supervised, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var owned = _agents.GetOrAdd(spec.AgentId, _ => new Owned(spec, supervised));
        try
        {
            owned.BrokerUser ??= await credentials.ForProvisionedAsync(spec.AgentId, cancellationToken);
            Launch(owned);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or FileNotFoundException or HttpRequestException
                                       or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _agents.TryRemove(spec.AgentId, out _);
            throw new ProvisioningException($"could not start agent {spec.AgentId}: {ex.Message}", ex);
        }
        return spec.AgentId;
    }

    public async Task RestartAsync(string agentId, string reason, DateTimeOffset? lastHeard, CancellationToken cancellationToken)
    {
        if (!_agents.TryGetValue(agentId, out var owned) || !owned.Supervised)
            return;
        await owned.Gate.WaitAsync(cancellationToken);
        try
        {
            if (owned.NextRestart(lastHeard, time.GetUtcNow(), options) is not { } delay)
                return;
            LogRestarting(agentId, reason, delay.TotalMilliseconds, owned.FailuresInARow);
            var failedProcess = owned.Process;
            owned.Process = null; // its exit is this restart, not another failure
            Kill(failedProcess);
            await Task.Delay(delay, time, cancellationToken);
            if (owned.Stopped)
                return;
            try
            {
                Launch(owned);
            }
            catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or FileNotFoundException)
            {
                LogLaunchFailed(agentId, ex.Message);
                _ = RestartAsync(agentId, $"launch failed: {ex.Message}", null, CancellationToken.None);
            }
        }
        finally
        {
            owned.Gate.Release();
        }
    }

    /// <summary>Processes a previous coordinator started are not found again (see README): nothing to adopt.</summary>
    public Task<IReadOnlyList<ProvisionedAgentSpec>> AdoptAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProvisionedAgentSpec>>([]);

    public async Task StopAsync(string agentId, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!_agents.TryRemove(agentId, out var owned))
            return;
        owned.Stopped = true;
        try
        {
            await StopProcessAsync(agentId, owned, grace, cancellationToken);
        }
        finally
        {
            await credentials.RevokeProvisionedAsync(agentId, CancellationToken.None);
        }
    }

    async Task StopProcessAsync(string agentId, Owned owned, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (owned.Process is not { } process || HasExited(process))
            return;
        if (grace > TimeSpan.Zero && kill(process.Id, SigTerm) == 0)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                LogStopped(agentId, process.Id);
                return;
            }
            catch (OperationCanceledException)
            {
                LogKilledAfterGrace(agentId, process.Id, grace.TotalSeconds);
            }
        }
        Kill(process);
    }

    void Launch(Owned owned)
    {
        var spec = owned.Spec;
        var dll = AgentWorkerDll();
        if (!File.Exists(dll))
            throw new FileNotFoundException($"the agent worker {dll} does not exist (Provisioning:AgentWorkerDll)", dll);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        var arguments = new List<string> { "--agent-id", spec.AgentId, "--capabilities", spec.Capabilities, "--concurrency", Invariant(spec.Concurrency) };
        if (spec.CpuCores is { } cpu)
            arguments.AddRange(["--cpu", Invariant(cpu)]);
        if (spec.MemoryMb is { } memory)
            arguments.AddRange(["--memory", Invariant(memory)]);
        if (spec.DiskMb is { } disk)
            arguments.AddRange(["--disk", Invariant(disk)]);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in broker.AgentEnvironment(user: owned.BrokerUser))
            start.Environment[key] = value;
        foreach (var (key, value) in spec.Labels)
            start.Environment[$"Agent__Labels__{key}"] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var log = OpenLog(spec.AgentId);
        process.OutputDataReceived += (_, e) => log?.Write(e.Data);
        process.ErrorDataReceived += (_, e) => log?.Write(e.Data);
        process.Exited += (_, _) => OnExited(owned, process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        owned.Process = process;
        owned.Exited = false;
        owned.StartedAt = time.GetUtcNow();
        LogStarted(spec.AgentId, process.Id);
    }

    void OnExited(Owned owned, Process process)
    {
        if (owned.Stopped || !ReferenceEquals(owned.Process, process))
            return; // asked to stop, or replaced by a restart
        var code = ExitCodeOf(process);
        if (owned.Supervised)
        {
            _ = RestartAsync(owned.Spec.AgentId, $"process {process.Id} exited with {code}", null, CancellationToken.None);
            return;
        }
        owned.Exited = true;
        LogExited(owned.Spec.AgentId, process.Id, code);
        Exited?.Invoke(owned.Spec.AgentId);
    }

    string AgentWorkerDll()
    {
        if (!string.IsNullOrWhiteSpace(options.AgentWorkerDll))
            return options.AgentWorkerDll;
        // src/Coordinator/bin/<Configuration>/net10.0 -> src/AgentWorker/bin/<Configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "AgentWorker", "bin", here.Parent.Name, here.Name, "AgentWorker.dll");
    }

    /// <summary>The agent's output file (appended, so a restart adds to it), or null when output is discarded.</summary>
    OutputLog? OpenLog(string agentId)
    {
        if (string.IsNullOrWhiteSpace(options.LogDirectory))
            return null;
        try
        {
            Directory.CreateDirectory(options.LogDirectory);
            return new OutputLog(new StreamWriter(Path.Combine(options.LogDirectory, $"{agentId}.log"), append: true) { AutoFlush = true });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogNoLog(agentId, ex.Message);
            return null;
        }
    }

    /// <summary>Both output streams of one process into one file, closed when both have ended.</summary>
    sealed class OutputLog(StreamWriter writer)
    {
        int _open = 2;

        public void Write(string? line)
        {
            lock (writer)
            {
                if (_open == 0)
                    return;
                if (line is not null)
                {
                    writer.WriteLine(line);
                    return;
                }
                if (--_open == 0)
                    writer.Dispose();
            }
        }
    }

    static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    static string ExitCodeOf(Process process)
    {
        try
        {
            return process.ExitCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "an unknown code";
        }
    }

    static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
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

    const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    [LoggerMessage(LogLevel.Information, "Started agent {AgentId} as process {ProcessId}")]
    partial void LogStarted(string agentId, int processId);

    [LoggerMessage(LogLevel.Warning, "Restarting agent {AgentId} ({Reason}) in {DelayMs} ms (failure {Failures} in a row)")]
    partial void LogRestarting(string agentId, string reason, double delayMs, int failures);

    [LoggerMessage(LogLevel.Warning, "Could not launch agent {AgentId}: {Error}; trying again after the backoff")]
    partial void LogLaunchFailed(string agentId, string error);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: process {ProcessId} exited with {ExitCode}")]
    partial void LogExited(string agentId, int processId, string exitCode);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: its output cannot be written to Provisioning:LogDirectory ({Error}); discarded")]
    partial void LogNoLog(string agentId, string error);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId}: process {ProcessId} stopped")]
    partial void LogStopped(string agentId, int processId);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId}: process {ProcessId} still running {GraceSeconds} s after SIGTERM; killed")]
    partial void LogKilledAfterGrace(string agentId, int processId, double graceSeconds);
}
