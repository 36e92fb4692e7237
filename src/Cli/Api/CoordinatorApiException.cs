using System.Net;
using CoordinatorCli.Hosting;

namespace CoordinatorCli.Api;

/// <summary>The coordinator answered, but not with what was asked for; the message is the server's own where it gave one.</summary>
public sealed class CoordinatorApiException(HttpStatusCode? statusCode, string message) : Exception(message)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public int ExitCode => StatusCode switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => ExitCodes.BadInput,
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Conflict => ExitCodes.Conflict,
        _ => ExitCodes.ApiFailure,
    };
}
