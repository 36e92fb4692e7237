using Coordinator.Agents;
using Coordinator.Tasks.Limits;
using Coordinator.Tasks.Placement;

namespace Coordinator.UnitTests.Tasks;

/// <summary>A TaskPlacement over a registry of the test's own, with the default options and the least-connections strategy.</summary>
static class Placements
{
    public static TaskPlacement New(AgentRegistry? registry = null, CoordinatorOptions? options = null, TimeProvider? time = null,
        TaskLimits? limits = null)
    {
        options ??= new CoordinatorOptions();
        time ??= TimeProvider.System;
        return new TaskPlacement(registry ?? RegistryFixtures.NewRegistry(), new StrategySelector([new LeastConnectionsStrategy()], options), options,
            limits ?? Limits(time), time);
    }

    /// <summary>Limits kept in memory only (never loaded or stored: the database is not there).</summary>
    public static TaskLimits Limits(TimeProvider? time = null) => new(null!, time ?? TimeProvider.System);
}
