using Coordinator.Agents;
using Coordinator.Ownership;

namespace Coordinator.Health;

/// <summary>
/// When this coordinator becomes the owner: the fleet is read afresh from the store, and every agent's silence is counted from
/// now, so none is judged failed for heartbeats that went to the previous owner, or waited in the queue while no one owned it.
/// </summary>
public sealed class FreshHeartbeatWindow(AgentRegistryLoader loader, HeartbeatSweeper sweeper) : IOwnerActivation
{
    public int Order => 10;

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        await loader.RefreshAsync(cancellationToken);
        sweeper.ListenFromNow();
    }
}
