using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Recovery;

/// <summary>
/// An agent's answer to a release request: a released attempt goes back to dispatch with its next attempt. Sent through
/// the bus at once (not held by the endpoint's outbox), and retried: a move not sent yet is kept by the mover.
/// </summary>
public sealed class AssignmentReleasedConsumer(AssignmentMover mover, IBus bus) : IConsumer<AssignmentReleased>
{
    public Task Consume(ConsumeContext<AssignmentReleased> context) => mover.OnAnsweredAsync(context.Message, bus, context.CancellationToken);
}
