using Spectre.Console;

namespace CoordinatorCli.Hosting;

/// <summary>Everything the commands take from the outside world, so tests can replace each part.</summary>
public sealed record CliEnvironment
{
    public const string UrlVariable = "COORDINATOR_URL";
    public const string ApiKeyVariable = "COORDINATOR_API_KEY";
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public required IAnsiConsole Out { get; init; }
    public required IAnsiConsole Error { get; init; }
    public required Func<Uri, HttpClient> CreateHttpClient { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>How long to wait between polls; null waits on <see cref="Time"/>.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        Delay is { } custom ? custom(delay, cancellationToken) : Task.Delay(delay, Time, cancellationToken);

    /// <summary>Live views and progress bars only on a terminal; plain lines when output is redirected.</summary>
    public bool IsInteractive => Out.Profile.Capabilities.Interactive && Out.Profile.Capabilities.Ansi;

    public static CliEnvironment ForProcess() => new()
    {
        Out = ProcessConsole(Console.Out, Console.IsOutputRedirected),
        Error = ProcessConsole(Console.Error, Console.IsErrorRedirected),
        CreateHttpClient = baseAddress => new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) },
    };

    /// <summary>A console on a process stream; when redirected, not interactive and not wrapped at 80 columns.</summary>
    static IAnsiConsole ProcessConsole(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Yes,
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    const int RedirectedWidth = 1000;
}
