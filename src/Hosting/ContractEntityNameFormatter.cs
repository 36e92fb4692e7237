using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Hosting;

/// <summary>Gives the public contracts their documented exchange names; other types keep MassTransit's names.</summary>
public sealed class ContractEntityNameFormatter(IEntityNameFormatter inner) : IEntityNameFormatter
{
    public string FormatEntityName<T>() => EntityNames.ForMessageType(typeof(T)) ?? inner.FormatEntityName<T>();
}
