namespace Coordinator.Bench;

/// <summary>Thrown by the parser for --help: print the usage and exit 0.</summary>
public sealed class HelpRequestedException() : Exception("help requested");
