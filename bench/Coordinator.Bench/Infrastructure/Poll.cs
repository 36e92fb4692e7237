namespace Coordinator.Bench.Infrastructure;

/// <summary>Polls a condition every 200 ms until it holds or a deadline passes (bounded by both).</summary>
public static class Poll
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string> diagnostics,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var attempts = (int)(timeout / Interval) + 1;
        string? lastError = null;
        for (var i = 0; i < attempts && DateTime.UtcNow < deadline; i++)
        {
            try
            {
                if (await condition())
                    return;
                lastError = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastError = ex.Message;
            }
            await Task.Delay(Interval, cancellationToken);
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}" +
                                   (lastError is null ? "" : $" (last error: {lastError})") + "\n" + diagnostics());
    }

    /// <summary>Polls a value until it satisfies <paramref name="done"/>; returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what,
        CancellationToken cancellationToken)
    {
        T last = default!;
        await UntilAsync(async () => done(last = await probe()), timeout, what, () => $"last seen: {last}", cancellationToken);
        return last;
    }
}
