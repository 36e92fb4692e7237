using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Coordinator.Testing;

/// <summary>A real host process (`dotnet X.dll`, or a script under another program), its last output lines kept for diagnostics; killed on dispose.</summary>
public class HostProcess : IAsyncDisposable
{
    const int KeptLines = 500;

    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();

    public HostProcess(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, string program = "dotnet")
    {
        Name = name;
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public string Output => $"--- {Name} (pid {Pid}) output ---\n" + string.Join("\n", _output);

    void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > KeptLines)
            _output.TryDequeue(out _);
    }

    /// <summary>kill -9: no chance to clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: a graceful stop.</summary>
    public void Terminate() => Signal(15);

    /// <summary>SIGINT: what Ctrl-C sends.</summary>
    public void Interrupt() => Signal(2);

    public void Pause() => Signal(19);

    public void Resume() => Signal(18);

    void Signal(int signal)
    {
        // A process that has exited has been reaped: its id may already be another process's, which must not get the signal.
        if (_process.HasExited)
            return;
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s\n{Output}");
        }
        return _process.ExitCode;
    }

    bool _disposed;

    /// <summary>Kills what is left of it; a second call does nothing.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        GC.SuppressFinalize(this);
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
