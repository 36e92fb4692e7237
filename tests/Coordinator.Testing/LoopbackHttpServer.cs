using System.Net;

namespace Coordinator.Testing;

/// <summary>
/// An HTTP server for tests on 127.0.0.1 and a free port (a webhook, an OTLP receiver, a fake API server): each request
/// goes to <c>handle</c>, which writes the response; the response is closed after it. Stops on dispose.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Func<HttpListenerContext, Task> _handle;
    readonly Task _serving;

    /// <param name="handle">Answers one request.</param>
    /// <param name="concurrent">Requests answered side by side (an API server) rather than one after another, in order.</param>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle, bool concurrent = false)
    {
        _handle = handle;
        Url = $"http://127.0.0.1:{FreePort.Next()}";
        _listener.Prefixes.Add($"{Url}/");
        _listener.Start();
        _serving = Task.Run(() => ServeAsync(concurrent));
    }

    /// <summary>The base address, without a trailing slash.</summary>
    public string Url { get; }

    async Task ServeAsync(bool concurrent)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            if (concurrent)
                _ = Task.Run(() => AnswerAsync(context));
            else
                await AnswerAsync(context);
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            await _handle(context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            try
            {
                context.Response.StatusCode = 500; // the test's own handler failed: say so to the client
            }
            catch (InvalidOperationException)
            {
            }
        }
        try
        {
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
