using System.Text.Unicode;

namespace Coordinator.Api;

/// <summary>
/// First on every request: a body declared larger than <c>Coordinator:MaxRequestBodyBytes</c> is refused (413), and any
/// request the routes cannot take (a body that does not bind, or a fault of the coordinator's own) gets a JSON answer naming
/// the problem instead of an empty one. Then, once the caller's key has been checked (<see cref="UseUtf8Bodies"/>), a body
/// that is not valid UTF-8, or larger than the limit after all, is refused before any route reads it. The process goes on
/// serving everyone else either way.
/// </summary>
public static partial class RequestShield
{
    public static WebApplication UseRequestShield(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<CoordinatorOptions>().MaxRequestBodyBytes;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestShield));
        app.Use(async (context, next) =>
        {
            try
            {
                if (HasBody(context.Request) && context.Request.ContentLength > limit)
                {
                    await WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"the body is {context.Request.ContentLength} bytes; at most {limit} are taken (Coordinator:MaxRequestBodyBytes)");
                    return;
                }
                await next(context);
            }
            catch (BadHttpRequestException ex)
            {
                if (!context.Response.HasStarted)
                    await WriteAsync(context, ex.StatusCode, Describe(ex));
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                LogUnhandled(logger, context.Request.Method, context.Request.Path, ex);
                if (!context.Response.HasStarted)
                    await WriteAsync(context, StatusCodes.Status500InternalServerError,
                        $"the coordinator could not answer this request ({ex.GetType().Name}); it is logged, and everything else goes on");
            }
        });
        return app;
    }

    /// <summary>After the key check: reads a body whole (up to the limit) and refuses it if it is not UTF-8, so nobody buffers for a stranger.</summary>
    public static WebApplication UseUtf8Bodies(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<CoordinatorOptions>().MaxRequestBodyBytes;
        app.Use(async (context, next) =>
        {
            if (HasBody(context.Request) && await InvalidUtf8Async(context, limit) is { } problem)
            {
                await WriteAsync(context, problem.Status, problem.Error);
                return;
            }
            await next(context);
        });
        return app;
    }

    static bool HasBody(HttpRequest request) =>
        (request.ContentLength ?? (request.Headers.TransferEncoding.Count > 0 ? 1 : 0)) > 0
        && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method));

    /// <summary>Reads the body into a buffer (bounded by the limit) and checks it is UTF-8; the route then reads it from the start.</summary>
    static async Task<(int Status, string Error)?> InvalidUtf8Async(HttpContext context, long limit)
    {
        context.Request.EnableBuffering(bufferThreshold: 64 * 1024);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
                return (StatusCodes.Status413PayloadTooLarge, $"the body is over {limit} bytes; at most {limit} are taken (Coordinator:MaxRequestBodyBytes)");
            buffer.Write(chunk, 0, read);
        }
        context.Request.Body.Position = 0;
        var at = FirstInvalidByte(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return at is null ? null : (StatusCodes.Status400BadRequest, $"the body is not valid UTF-8 (at byte {at}); JSON bodies must be UTF-8");
    }

    /// <summary>Where the first byte that is not UTF-8 is (null when all are), in one pass.</summary>
    static int? FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
            return null;
        Span<char> chars = stackalloc char[1024];
        var position = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes[position..], chars, out var read, out _, replaceInvalidSequences: false);
            position += read;
            if (status != System.Buffers.OperationStatus.DestinationTooSmall)
                return position;
        }
    }

    static string Describe(BadHttpRequestException ex) =>
        ex.InnerException is { } inner ? $"{ex.Message}: {inner.Message}" : ex.Message;

    static Task WriteAsync(HttpContext context, int status, string error)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiErrors.ApiError(error), ApiJson.Options, context.RequestAborted);
    }

    [LoggerMessage(LogLevel.Error, "{Method} {Path} failed")]
    static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
