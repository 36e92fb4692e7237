using System.Data.Common;
using Coordinator.Contracts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// The agent saga's endpoint: the documented queue <c>coordinator.agents</c>, fed by agents' commands
/// and bound to the internal health-verdict exchange. Concurrency conflicts are retried (reload and replay).
/// </summary>
public sealed class AgentStateDefinition : SagaDefinition<AgentState>
{
    public AgentStateDefinition()
    {
        EndpointName = EntityNames.AgentControl;
        ConcurrentMessageLimit = 32;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<AgentState> sagaConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            // Commands arrive on the endpoint's own exchange; only the health verdicts need a binding.
            rabbit.ConfigureConsumeTopology = false;
            rabbit.Bind(EntityNames.AgentHealth);
        }

        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<DbUpdateException>();
            r.Handle<DbException>();
            r.Intervals(5, 10, 25, 50, 100, 200, 400, 800, 1000, 1000);
        });
    }
}
