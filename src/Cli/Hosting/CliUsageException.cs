namespace CoordinatorCli.Hosting;

/// <summary>The user's input is wrong; the message names the option and the problem.</summary>
public sealed class CliUsageException(string message) : Exception(message);
