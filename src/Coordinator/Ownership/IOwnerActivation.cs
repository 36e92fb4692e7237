namespace Coordinator.Ownership;

/// <summary>
/// What a capability does when this coordinator becomes the owner of the task path, before the owner's queues are consumed:
/// restore what the previous owner had under way, look at the fleet afresh. Run in <see cref="Order"/>, lowest first.
/// </summary>
public interface IOwnerActivation
{
    int Order { get; }

    Task ActivateAsync(CancellationToken cancellationToken);
}
