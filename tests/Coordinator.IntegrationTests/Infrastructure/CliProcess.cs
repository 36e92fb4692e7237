namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>One run of coordinator-cli against a test system's API (with <paramref name="environment"/>: COORDINATOR_API_KEY, say).</summary>
public sealed class CliProcess(TestSystem system, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    : HostProcess("coordinator-cli", RepositoryPaths.CliDll, ["--url", system.Api.Http.BaseAddress!.ToString(), .. arguments],
        environment ?? new Dictionary<string, string>(), system.WorkDirectory);
