using System.Collections.Concurrent;
using System.Reflection;
using MassTransit;

namespace Coordinator.UnitTests.AgentSdk;

/// <summary>An <see cref="IPublishEndpoint"/> that keeps what is published (every Publish overload) and completes at once.</summary>
public class RecordingPublisher : DispatchProxy
{
    public ConcurrentQueue<object> Published { get; } = new();

    public static (IPublishEndpoint Endpoint, RecordingPublisher Recorder) Create()
    {
        var endpoint = Create<IPublishEndpoint, RecordingPublisher>();
        return (endpoint, (RecordingPublisher)(object)endpoint);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method?.Name == nameof(IPublishEndpoint.Publish) && args is [{ } message, ..])
            Published.Enqueue(message);
        return method?.ReturnType == typeof(Task) ? Task.CompletedTask : null;
    }
}
