namespace Coordinator.IntegrationTests.Infrastructure;

public sealed class AgentProcess(string agentId, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
    string workingDirectory)
    : HostProcess($"agent {agentId}", RepositoryPaths.AgentWorkerDll, ["--agent-id", agentId, .. arguments], environment, workingDirectory)
{
    public string AgentId { get; } = agentId;
}
