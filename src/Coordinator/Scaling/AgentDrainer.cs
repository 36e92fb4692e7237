using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Provisioning;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Scaling;

/// <summary>
/// Takes an agent out of the fleet without killing work: it is told to drain (its saga goes Draining, so placement
/// gives it nothing new, and the agent hears it on its queue), finishes what it holds, and only then is its process
/// stopped (SIGTERM: it unregisters itself). What it still holds after the drain timeout is moved with the usual
/// fencing: the agent is unregistered, so its assignments go back to dispatch with their next attempt, and it is killed.
/// </summary>
public sealed partial class AgentDrainer(
    AgentRegistry registry,
    TaskPlacement placement,
    IAgentProvisioner provisioner,
    IBus bus,
    RabbitMqOptions broker,
    TimeProvider time,
    ILogger<AgentDrainer> logger)
{
    /// <summary>How long a drained agent may take to unregister and exit after SIGTERM.</summary>
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    /// <summary>How long the registry may show a chosen agent not Draining before it is told again.</summary>
    static readonly TimeSpan RetellAfter = TimeSpan.FromSeconds(2);
    static readonly Uri Control = new($"exchange:{EntityNames.AgentControl}");

    public async Task DrainAndStopAsync(string agentId, TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        var began = time.GetUtcNow();
        if (registry.Find(agentId) is not { } agent || !AgentStates.Live.Contains(agent.State))
        {
            await provisioner.StopAsync(agentId, TimeSpan.Zero, cancellationToken);
            return;
        }
        var drain = new DrainAgent { AgentId = agentId, InstanceId = agent.InstanceId, Timestamp = began };
        await (await bus.GetSendEndpoint(Control)).Send(drain, cancellationToken);
        await (await bus.GetSendEndpoint(broker.QueueAddress(EntityNames.AgentQueue(agentId)))).Send(drain, cancellationToken);
        LogDraining(agentId, placement.LoadOf(agentId), drainTimeout.TotalSeconds);

        // Placement stops once the registry shows it Draining; what it was given until then finishes there too. An agent
        // that missed heartbeats meanwhile went Unhealthy, and a heartbeat would bring it back Active: it is told again.
        var deadline = began + drainTimeout;
        var toldAt = began;
        while (time.GetUtcNow() < deadline)
        {
            var now = registry.Find(agentId);
            if (now is null || now.State is AgentStates.Failed or AgentStates.Unregistered)
                break; // gone by itself: the usual recovery moved its work
            if (now.State == AgentStates.Draining && placement.LoadOf(agentId) == 0)
                break;
            if (now.State != AgentStates.Draining && time.GetUtcNow() - toldAt >= RetellAfter)
            {
                toldAt = time.GetUtcNow();
                await (await bus.GetSendEndpoint(Control)).Send(drain with { InstanceId = now.InstanceId, Timestamp = toldAt }, cancellationToken);
            }
            await Task.Delay(Poll, time, cancellationToken);
        }

        var left = placement.LoadOf(agentId);
        if (registry.Find(agentId)?.State is AgentStates.Failed or AgentStates.Unregistered)
        {
            await provisioner.StopAsync(agentId, TimeSpan.Zero, cancellationToken);
            return;
        }
        if (left == 0)
        {
            await provisioner.StopAsync(agentId, StopGrace, cancellationToken);
            LogDrained(agentId, (time.GetUtcNow() - began).TotalSeconds);
        }
        else
        {
            LogDrainTimedOut(agentId, left, drainTimeout.TotalSeconds);
            await UnregisterAsync(agentId, $"drained for scale-down: {left} task(s) still held after {drainTimeout.TotalSeconds:0} s were moved", cancellationToken);
            await provisioner.StopAsync(agentId, TimeSpan.Zero, cancellationToken);
        }

        // A process that ended before it could unregister itself is unregistered for it (its work, if any, moves as usual).
        var until = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        while (registry.Find(agentId)?.State is { } state && AgentStates.Live.Contains(state) && time.GetUtcNow() < until)
            await Task.Delay(Poll, time, cancellationToken);
        if (registry.Find(agentId)?.State is { } still && AgentStates.Live.Contains(still))
            await UnregisterAsync(agentId, "stopped after draining for scale-down", cancellationToken);
    }

    async Task UnregisterAsync(string agentId, string reason, CancellationToken cancellationToken)
    {
        if (registry.Find(agentId) is not { } agent)
            return;
        await (await bus.GetSendEndpoint(Control)).Send(new UnregisterAgent
        {
            AgentId = agentId,
            InstanceId = agent.InstanceId,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        }, cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Draining agent {AgentId} for scale-down: {InFlight} task(s) held, up to {TimeoutSeconds:0} s to finish them")]
    partial void LogDraining(string agentId, int inFlight, double timeoutSeconds);

    [LoggerMessage(LogLevel.Information, "Agent {AgentId} drained and stopped after {Seconds:0.0} s")]
    partial void LogDrained(string agentId, double seconds);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} still held {InFlight} task(s) after the {TimeoutSeconds:0} s drain timeout: moved, and the agent stopped")]
    partial void LogDrainTimedOut(string agentId, int inFlight, double timeoutSeconds);
}
