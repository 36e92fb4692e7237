using Coordinator.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Coordinator.Agents;

/// <summary>Announces an accepted registration: publishes AgentRegistered and answers the requester, if any.</summary>
public sealed partial class AcceptRegistrationActivity(ILogger<AcceptRegistrationActivity> logger, TimeProvider time)
    : IStateMachineActivity<AgentState, RegisterAgent>
{
    public async Task Execute(BehaviorContext<AgentState, RegisterAgent> context, IBehavior<AgentState, RegisterAgent> next)
    {
        var registered = AgentStateMachine.RegisteredFrom(context.Saga, time);
        LogAccepted(context.Saga.AgentId, context.Saga.InstanceId, string.Join(",", context.Saga.Capabilities), context.Saga.HostName,
            context.Saga.ProcessId);
        await context.Publish(registered, context.CancellationToken);
        if (context.ResponseAddress is not null)
            await context.RespondAsync(registered);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<AgentState, RegisterAgent, TException> context,
        IBehavior<AgentState, RegisterAgent> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("accept-registration");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    [LoggerMessage(LogLevel.Information,
        "Agent {AgentId} registered (instance {InstanceId}, capabilities {Capabilities}, host {HostName}, pid {ProcessId})")]
    partial void LogAccepted(string agentId, Guid instanceId, string capabilities, string hostName, int processId);
}
