namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>Tests that drive the Docker engine: after all others, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainersCollection
{
    public const string Name = "containers";
}
