using Coordinator.Contracts;

namespace Coordinator.Agents;

/// <summary>The seed's MultiAgentCoordinator surface for agents: register, unregister, status, failure.</summary>
public interface IAgentCoordinator
{
    /// <summary>Registers through the agent state machine and returns its answer (accepted or rejected with a reason).</summary>
    Task<RegistrationResult> RegisterAgentAsync(RegisterAgent registration, CancellationToken cancellationToken);

    /// <summary>Unregisters a known agent; false when the id is unknown.</summary>
    Task<bool> UnregisterAgentAsync(string agentId, string reason, CancellationToken cancellationToken);

    Task<AgentView?> GetAgentStatusAsync(string agentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<AgentView>> ListAgentsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Tells a live agent to drain (its saga goes Draining, so placement gives it nothing new; the agent hears it on its
    /// queue and finishes what it holds).
    /// </summary>
    Task DrainAgentAsync(AgentView agent, CancellationToken cancellationToken);

    /// <summary>Declares an agent failed (for detectors and operators); false when the id is unknown.</summary>
    Task<bool> HandleAgentFailureAsync(string agentId, string reason, CancellationToken cancellationToken);
}
