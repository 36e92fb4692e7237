using System.Collections.Concurrent;

namespace Coordinator.Agents;

/// <summary>
/// A refused agent instance hears so (a log line, an event, a message to its queue) once per two heartbeat intervals, not
/// for every heartbeat it sends while its re-registration is on its way: refusals never outnumber the instances refused,
/// whatever the rate of heartbeats. The memory is bounded: past <see cref="MaxRemembered"/> instances it starts afresh, so
/// a flood of made-up ids cannot grow it.
/// </summary>
public sealed class HeartbeatRefusals(CoordinatorOptions options, TimeProvider time)
{
    public const int MaxRemembered = 10_000;

    readonly ConcurrentDictionary<(string AgentId, Guid InstanceId), DateTimeOffset> _said = new();

    /// <summary>True when this instance has not been told of a refusal within the last two intervals (and records that it is now).</summary>
    public bool ShouldSay(string? agentId, Guid instanceId)
    {
        var now = time.GetUtcNow();
        var key = (agentId ?? "", instanceId);
        if (_said.TryGetValue(key, out var last) && now - last < 2 * options.HeartbeatInterval)
            return false;
        if (_said.Count >= MaxRemembered)
            _said.Clear();
        _said[key] = now;
        return true;
    }

    public int Remembered => _said.Count;
}
