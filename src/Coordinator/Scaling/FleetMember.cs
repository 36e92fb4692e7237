using Coordinator.Agents;
using Coordinator.Contracts;

namespace Coordinator.Scaling;

/// <summary>One agent as a scaling decision sees it: registered (or still starting), with its load and, when the ScalingManager runs it, its profile.</summary>
public sealed record FleetMember
{
    public required string AgentId { get; init; }
    /// <summary>The registry's state; empty for an agent still starting (not registered yet).</summary>
    public required string State { get; init; }
    /// <summary>The profile it was started from; null for an agent the ScalingManager does not run.</summary>
    public string? Profile { get; init; }
    /// <summary>Started, and not yet Active.</summary>
    public bool Starting { get; init; }
    /// <summary>Chosen for scale-down, or leaving by itself: no longer counted as capacity.</summary>
    public bool Draining { get; init; }
    public required int Concurrency { get; init; }
    /// <summary>Assignments it may hold: concurrency plus the buffer (half for a Degraded agent).</summary>
    public required int Slots { get; init; }
    public int InFlight { get; init; }
    public required IReadOnlyList<string> Capabilities { get; init; }
    public required AgentResources Resources { get; init; }
    public double CostPerHour { get; init; }
    /// <summary>When it was started or registered.</summary>
    public DateTimeOffset Since { get; init; }

    public bool Owned => Profile is not null;

    /// <summary>Counts toward the fleet's size: starting, or registered and neither leaving nor gone.</summary>
    public bool Live => !Draining && (Starting || State is AgentStates.Active or AgentStates.Degraded or AgentStates.Unhealthy);

    /// <summary>Takes work now, or will once started.</summary>
    public bool Placeable => !Draining && (Starting || State is AgentStates.Active or AgentStates.Degraded);

    /// <summary>Busy slots: tasks running or about to (buffered assignments beyond the concurrency wait, they do not add to the use).</summary>
    public int Busy => Math.Min(InFlight, Concurrency);

    public int FreeSlots => Math.Max(0, Slots - InFlight);
}
