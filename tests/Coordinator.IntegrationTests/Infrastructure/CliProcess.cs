namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>One run of coordinator-cli against a test system's API.</summary>
public sealed class CliProcess(TestSystem system, params string[] arguments)
    : HostProcess("coordinator-cli", RepositoryPaths.CliDll, ["--url", system.Api.Http.BaseAddress!.ToString(), .. arguments],
        new Dictionary<string, string>(), system.WorkDirectory);
