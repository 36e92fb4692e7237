using Coordinator.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Coordinator.Agents;

/// <summary>Refuses a registration with a reason: invalid content, or a conflict with a live instance of the same id.</summary>
public sealed partial class RejectRegistrationActivity(RegistrationRules rules, ILogger<RejectRegistrationActivity> logger, TimeProvider time)
    : IStateMachineActivity<AgentState, RegisterAgent>
{
    public async Task Execute(BehaviorContext<AgentState, RegisterAgent> context, IBehavior<AgentState, RegisterAgent> next)
    {
        var reason = rules.Validate(context.Message) ?? ConflictReason(context.Saga, context.Message);
        LogRejected(context.Message.AgentId, context.Message.InstanceId, reason);

        var rejected = new AgentRegistrationRejected
        {
            AgentId = context.Message.AgentId ?? "",
            InstanceId = context.Message.InstanceId,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        };
        await context.Publish(rejected, context.CancellationToken);
        if (context.ResponseAddress is not null)
            await context.RespondAsync(rejected);
        await next.Execute(context);
    }

    static string ConflictReason(AgentState saga, RegisterAgent message) =>
        $"AgentId '{message.AgentId}' is already registered by live instance {saga.InstanceId} on host '{saga.HostName}' " +
        $"(pid {saga.ProcessId}, state {saga.CurrentState}); instance {message.InstanceId} may take over once that one " +
        "unregisters or stops heartbeating";

    public Task Faulted<TException>(BehaviorExceptionContext<AgentState, RegisterAgent, TException> context,
        IBehavior<AgentState, RegisterAgent> next) where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope("reject-registration");

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    [LoggerMessage(LogLevel.Warning, "Registration of agent {AgentId} (instance {InstanceId}) rejected: {Reason}")]
    partial void LogRejected(string? agentId, Guid instanceId, string reason);
}
