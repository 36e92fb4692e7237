using System.CommandLine;
using CoordinatorCli.Api;
using Spectre.Console;

namespace CoordinatorCli.Hosting;

/// <summary>
/// Runs one command against the coordinator: resolves the address (--url, then COORDINATOR_URL, then the
/// default) and the API key (--api-key, then COORDINATOR_API_KEY, else none), creates the client, and turns each kind of
/// failure into its message and exit code.
/// </summary>
public sealed class CommandRunner(CliEnvironment environment, Option<string?> urlOption, Option<string?> apiKeyOption)
{
    public async Task<int> RunAsync(ParseResult parseResult, Func<CoordinatorClient, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            var baseAddress = ResolveBaseAddress(parseResult);
            using var http = environment.CreateHttpClient(baseAddress);
            var key = parseResult.GetValue(apiKeyOption);
            if (string.IsNullOrWhiteSpace(key))
                key = environment.GetEnvironmentVariable(CliEnvironment.ApiKeyVariable);
            if (!string.IsNullOrWhiteSpace(key))
                http.DefaultRequestHeaders.Add("X-Api-Key", key.Trim());
            return await action(new CoordinatorClient(http));
        }
        catch (CliUsageException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (CoordinatorUnreachableException e)
        {
            return Fail(e.Message, ExitCodes.Unreachable);
        }
        catch (CoordinatorApiException e)
        {
            return Fail(e.Message, e.ExitCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail("cancelled", ExitCodes.Cancelled);
        }
    }

    Uri ResolveBaseAddress(ParseResult parseResult)
    {
        var fromOption = parseResult.GetValue(urlOption);
        var fromVariable = environment.GetEnvironmentVariable(CliEnvironment.UrlVariable);
        var (value, source) = !string.IsNullOrWhiteSpace(fromOption) ? (fromOption, "--url")
            : !string.IsNullOrWhiteSpace(fromVariable) ? (fromVariable, CliEnvironment.UrlVariable)
            : (CliEnvironment.DefaultUrl, "the default address");
        value = value.Trim();
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException($"{source} must be an absolute http:// or https:// address, got '{value}'");
        }

        // A trailing slash keeps a path prefix (http://host/coordinator/) when relative paths are resolved.
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    int Fail(string message, int exitCode)
    {
        environment.Error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return exitCode;
    }
}
