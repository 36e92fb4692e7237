using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Agents;

/// <summary>Refuses a heartbeat from a stale instance, or from an agent that was declared failed.</summary>
public sealed class RejectHeartbeatActivity : IStateMachineActivity<AgentState, AgentHeartbeat>
{
    public async Task Execute(BehaviorContext<AgentState, AgentHeartbeat> context, IBehavior<AgentState, AgentHeartbeat> next)
    {
        var saga = context.Saga;
        var reason = AgentStateMachine.IsCurrentInstance(saga, context.Message.InstanceId)
            ? $"agent '{saga.AgentId}' was declared {saga.CurrentState} ({saga.StateReason}); it must register again"
            : $"instance {context.Message.InstanceId} is not the registered instance {saga.InstanceId} of agent '{saga.AgentId}'";
        await HeartbeatRejection.Reject(context, reason);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<AgentState, AgentHeartbeat, TException> context,
        IBehavior<AgentState, AgentHeartbeat> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("reject-heartbeat");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}
