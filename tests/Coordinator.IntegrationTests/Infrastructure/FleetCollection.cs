namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>Tests that run hundreds of simulated agents: after all others, one at a time, so their load skews no one's timing.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FleetCollection
{
    public const string Name = "fleet";
}
