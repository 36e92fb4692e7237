namespace Coordinator.CliTests.Support;

public sealed record CliRun(int ExitCode, string Out, string Error);
