using Coordinator.Ownership;

namespace Coordinator.Health;

/// <summary>
/// The last step of taking over, once the owner's queues are consumed: every agent's silence counts from now. Heartbeats are
/// heard only from this moment (those sent meanwhile wait in coordinator.heartbeats), and taking over can take seconds on a
/// busy machine: counted from the start of it (<see cref="FreshHeartbeatWindow"/>), that time was silence, and a live agent was
/// failed for it.
/// </summary>
public sealed class HeartbeatWindowOnceConsuming(HeartbeatSweeper sweeper) : IOwnerActivation
{
    /// <summary>After <see cref="OwnerEndpoints"/> (100): its queues consumed.</summary>
    public int Order => 1000;

    public Task ActivateAsync(CancellationToken cancellationToken)
    {
        sweeper.ListenFromNow();
        return Task.CompletedTask;
    }
}
