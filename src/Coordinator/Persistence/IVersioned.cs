namespace Coordinator.Persistence;

/// <summary>A row with an optimistic concurrency token, bumped on every save of a change.</summary>
public interface IVersioned
{
    int Version { get; set; }
}
