namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes; never waits for the clock alone.</summary>
public static class Eventually
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what,
        Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = default!;
        Exception? lastError = null;
        var attempts = (int)(timeout / Interval) + 1;
        for (var i = 0; i < attempts && DateTime.UtcNow < deadline; i++)
        {
            try
            {
                last = await probe();
                if (done(last))
                    return last;
                lastError = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                lastError = ex;
            }
            await Task.Delay(Interval);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}. Last value: {Describe(last)}" +
                                   (lastError is null ? "" : $"; last error: {lastError.Message}") +
                                   (diagnostics is null ? "" : "\n" + diagnostics()));
    }

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null) =>
        Until(condition, ok => ok, timeout, what, diagnostics);

    static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object>()) + "]",
        _ => value.ToString() ?? "",
    };
}
