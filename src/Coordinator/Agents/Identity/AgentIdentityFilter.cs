using System.Collections.Concurrent;
using System.Linq.Expressions;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Agents.Identity;

/// <summary>
/// In front of every consumer of what agents send (<c>coordinator.agents</c>, <c>coordinator.heartbeats</c>,
/// <c>coordinator.task-results</c>): a message whose agent is not its sender's (<see cref="AgentIdentityCheck"/>) is taken off the
/// queue and goes no further: no saga, no ledger, no heartbeat book sees it. The reason is logged (at most once a minute per
/// sender, with the count since) and counted in <c>coordinator_agent_messages_refused_total</c>.
/// </summary>
public sealed partial class AgentIdentityFilter<T>(AgentIdentityCheck check, AgentIdentityRefusals refusals) : IFilter<ConsumeContext<T>>
    where T : class
{
    static readonly Func<T, string?>? ClaimOf = ClaimReader();

    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var userId = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit.Properties.UserId : null;
        var claimed = ClaimOf?.Invoke(context.Message);
        if (check.Refuse(userId, string.IsNullOrEmpty(claimed) ? null : claimed) is not { } reason)
            return next.Send(context);
        refusals.Refused(typeof(T).Name, userId, reason);
        // Consumed, so it is neither redelivered nor parked in a skipped queue for whoever sent it to fill.
        context.NotifyConsumed(context, TimeSpan.Zero, nameof(AgentIdentityFilter<T>));
        // A registration is answered, so an agent started with the wrong user says why instead of waiting for an answer.
        return context.Message is RegisterAgent registration && context.ResponseAddress is not null
            ? context.RespondAsync(new AgentRegistrationRejected
            {
                AgentId = registration.AgentId,
                InstanceId = registration.InstanceId,
                Reason = $"refused: {reason}",
                Final = true,
                Timestamp = DateTimeOffset.UtcNow,
            })
            : Task.CompletedTask;
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("agentIdentity");

    /// <summary>The message's <c>AgentId</c> (every contract that speaks for an agent has one), or null for one that has none.</summary>
    static Func<T, string?>? ClaimReader()
    {
        var property = typeof(T).GetProperty("AgentId");
        if (property is null || property.PropertyType != typeof(string))
            return null;
        var message = Expression.Parameter(typeof(T));
        return Expression.Lambda<Func<T, string?>>(Expression.Property(message, property), message).Compile();
    }
}

public static class AgentIdentityFilterRegistration
{
    /// <summary>
    /// The check in front of an endpoint that takes what agents send, only when identity is enforced: in Claimed mode nothing
    /// is added to the path of every heartbeat and result (the filter is resolved per message).
    /// </summary>
    public static void UseAgentIdentity(this IReceiveEndpointConfigurator endpoint, IBusRegistrationContext context)
    {
        if (context.GetRequiredService<AgentIdentityCheck>().Enforced)
            endpoint.UseConsumeFilter(typeof(AgentIdentityFilter<>), context);
    }
}

/// <summary>The refused messages: a counter per message type and a log line per sender at most once a minute.</summary>
public sealed partial class AgentIdentityRefusals(TimeProvider time, ILogger<AgentIdentityRefusals> logger)
{
    static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    readonly ConcurrentDictionary<string, (DateTimeOffset LoggedAt, int Since)> _senders = new(StringComparer.Ordinal);

    /// <summary>Each refusal, by message type (the metrics count them).</summary>
    public event Action<string>? Counted;

    public void Refused(string messageType, string? userId, string reason)
    {
        Counted?.Invoke(messageType);
        var now = time.GetUtcNow();
        var sender = userId ?? "";
        if (_senders.Count > 10_000)
            _senders.Clear(); // many senders: the log may repeat itself, the memory stays bounded
        var entry = _senders.AddOrUpdate(sender, _ => (DateTimeOffset.MinValue, 1), (_, e) => (e.LoggedAt, e.Since + 1));
        if (now - entry.LoggedAt < LogEvery)
            return;
        _senders[sender] = (now, 0);
        LogRefused(messageType, reason, entry.Since);
    }

    [LoggerMessage(LogLevel.Warning, "Refused {MessageType}: {Reason} ({Count} from this sender since the last such line)")]
    partial void LogRefused(string messageType, string reason, int count);
}
