using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// Chooses one agent for a task among the eligible ones (already filtered by capability, health,
/// free slots and free resources; never empty). Implement this and register it with
/// <c>services.AddPlacementStrategy&lt;T&gt;()</c> to plug in your own; select it by <see cref="Name"/>
/// in <c>Coordinator:LoadBalancingStrategy</c> or per task type in <c>Coordinator:StrategyByTaskType</c>.
/// Called under the placement lock: keep it fast and free of I/O.
/// </summary>
public interface IPlacementStrategy
{
    string Name { get; }

    AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible);
}
