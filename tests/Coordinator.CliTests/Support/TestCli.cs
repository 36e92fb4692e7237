using CoordinatorCli.Hosting;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace Coordinator.CliTests.Support;

/// <summary>
/// Runs the real command tree against a <see cref="FakeCoordinator"/>, capturing stdout and stderr. Waits
/// advance a fake clock instead of sleeping, so polling and timeouts run instantly and deterministically.
/// </summary>
public sealed class TestCli
{
    public FakeCoordinator Coordinator { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    public List<TimeSpan> Waits { get; } = [];
    public Dictionary<string, string> Variables { get; } = [];
    public List<Uri> BaseAddresses { get; } = [];
    public Func<Uri, HttpClient>? CreateHttpClient { get; set; }
    /// <summary>Stdout as a terminal (live views) instead of redirected output (plain lines).</summary>
    public bool Interactive { get; set; }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = Console(stdout, Interactive),
            Error = Console(stderr, interactive: false),
            CreateHttpClient = baseAddress =>
            {
                BaseAddresses.Add(baseAddress);
                return CreateHttpClient?.Invoke(baseAddress)
                    ?? new HttpClient(Coordinator, disposeHandler: false) { BaseAddress = baseAddress };
            },
            Time = Time,
            Delay = (delay, _) =>
            {
                Waits.Add(delay);
                Time.Advance(delay);
                return Task.CompletedTask;
            },
            PollInterval = TimeSpan.FromMilliseconds(250),
            GetEnvironmentVariable = name => Variables.GetValueOrDefault(name),
        };
        var exitCode = await CliApplication.RunAsync(args, environment);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    static IAnsiConsole Console(StringWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 240;
        return console;
    }
}
