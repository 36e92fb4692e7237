namespace Coordinator.IntegrationTests.Infrastructure;

public sealed class CoordinatorProcess(string name, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    : HostProcess(name, RepositoryPaths.CoordinatorDll, [], environment, workingDirectory);
