using Coordinator.Agents;
using Coordinator.Resources;

namespace Coordinator.UnitTests.Agents;

public class The_agent_state_diagram
{
    static string DocumentedPath => Path.Combine(RepositoryRoot(), "docs", "agent-states.mmd");

    [Fact]
    public void In_the_docs_is_generated_from_the_machine()
    {
        var machine = new AgentStateMachine(new RegistrationRules(new ResourceLimitsOptions()), TimeProvider.System);
        var generated = AgentStateDiagram.Mermaid(machine);
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
            File.WriteAllText(DocumentedPath, generated);

        Assert.Contains("[*] --> Active : RegisterRequested", generated);
        Assert.Contains("Unhealthy --> Failed : FailureDetected", generated);
        Assert.Contains("Draining --> Unregistered : UnregisterRequested", generated);
        Assert.True(File.Exists(DocumentedPath) && File.ReadAllText(DocumentedPath) == generated,
            "docs/agent-states.mmd is out of date: run UPDATE_DOCS=1 dotnet test --filter The_agent_state_diagram, then copy it into README");
        Assert.True(File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Contains(generated),
            "README.md's state diagram differs from docs/agent-states.mmd");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coordinator.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Coordinator.sln not found");
    }
}
