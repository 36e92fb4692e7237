using System.Diagnostics;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// Lowers the broker's consumer_timeout (node-wide: the tests using it run alone, in <see cref="BrokerOutageCollection"/>)
/// for channels opened from now on, and restores the value it had on dispose. The broker checks for late acknowledgements
/// about once a minute, so a test must hold a delivery past a minute to be caught.
/// </summary>
public sealed class ConsumerTimeout : IAsyncDisposable
{
    readonly string _previous;

    ConsumerTimeout(string previous) => _previous = previous;

    public static async Task<ConsumerTimeout> LowerAsync(TimeSpan timeout)
    {
        var current = await EvalAsync("application:get_env(rabbit, consumer_timeout).");
        // {ok,1800000} or undefined
        var previous = current.StartsWith("{ok,", StringComparison.Ordinal) ? current[4..].TrimEnd('}', '\n', ' ') : "1800000";
        await EvalAsync($"application:set_env(rabbit, consumer_timeout, {(long)timeout.TotalMilliseconds}).");
        return new ConsumerTimeout(previous);
    }

    public async ValueTask DisposeAsync() => await EvalAsync($"application:set_env(rabbit, consumer_timeout, {_previous}).");

    /// <summary>
    /// The channels the broker closed in <paramref name="virtualHost"/> because a delivery outlived the consumer timeout, as its
    /// own log tells (the clients may only see a channel recovered).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ClosedChannelsAsync(string virtualHost)
    {
        var locations = await EvalAsync("rabbit:log_locations().");
        var files = locations.Split('"').Where(p => p.StartsWith('/') && File.Exists(p));
        var closed = new List<string>();
        foreach (var file in files)
        {
            string[] lines;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
                lines = (await reader.ReadToEndAsync()).Split('\n');
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (lines[i].Contains($"vhost: '{virtualHost}'") && lines[i].Contains("Channel error") && lines[i + 1].Contains("acknowledgement"))
                    closed.Add(lines[i + 1].Trim());
            }
        }
        return closed;
    }

    static async Task<string> EvalAsync(string expression)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("eval");
        start.ArgumentList.Add(expression);
        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = await process.StandardOutput.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl eval failed: {await process.StandardError.ReadToEndAsync()}");
        return output.Trim();
    }
}
