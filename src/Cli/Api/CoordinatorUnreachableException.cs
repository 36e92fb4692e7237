namespace CoordinatorCli.Api;

/// <summary>No HTTP answer at all: refused, unresolvable, or no answer in time.</summary>
public sealed class CoordinatorUnreachableException(string url, string reason, Exception inner)
    : Exception($"cannot reach the coordinator at {url}: {reason}", inner);
