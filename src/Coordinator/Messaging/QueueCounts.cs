namespace Coordinator.Messaging;

/// <summary>A queue's ready messages and consumers, as the queue itself counts them.</summary>
public sealed record QueueCounts(int Messages, int Consumers);
