using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Messaging;

namespace Coordinator.Agents.Identity;

/// <summary>
/// Agents' own broker users, made through the management API: <c>agent-{id}</c> (<see cref="AgentIdentityOptions.UserPrefix"/>) with a random password and the permissions of
/// <see cref="AgentIdentityCheck.PermissionsOf"/>. The provisioners make one for each agent they start (when identity is
/// enforced) and delete it when they stop the agent; an operator makes one for an agent started elsewhere with
/// <c>POST /api/agents/{id}/credentials</c> (<c>coordinator-cli agents credentials</c>). Needs a coordinator broker user with
/// the administrator tag.
/// </summary>
public sealed partial class AgentCredentials(BrokerQueues broker, AgentIdentityCheck check, RabbitMqOptions options, ILogger<AgentCredentials> logger)
{
    /// <summary>Makes the agent's broker user, or gives it a new password (the old one stops working for new connections).</summary>
    public async Task<BrokerUser> IssueAsync(string agentId, CancellationToken cancellationToken)
    {
        if (AgentIdentity.Problem(agentId) is { } problem)
            throw new ArgumentException(problem, nameof(agentId));
        var user = new BrokerUser(check.UserOf(agentId), HashedSecret.New());
        var (configure, write, read) = AgentIdentityCheck.PermissionsOf(agentId);
        await broker.PutUserAsync(user, configure, write, read, cancellationToken);
        LogIssued(user.Username, options.VirtualHost);
        return user;
    }

    /// <summary>For an agent a provisioner starts: its own user when identity is enforced, otherwise null (it connects as the coordinator does).</summary>
    public async Task<BrokerUser?> ForProvisionedAsync(string agentId, CancellationToken cancellationToken) =>
        check.Enforced ? await IssueAsync(agentId, cancellationToken) : null;

    /// <summary>Deletes the agent's broker user; its open connections end with it.</summary>
    public async Task RevokeAsync(string agentId, CancellationToken cancellationToken)
    {
        await broker.DeleteUserAsync(check.UserOf(agentId), cancellationToken);
        LogRevoked(check.UserOf(agentId));
    }

    /// <summary>For an agent a provisioner stopped: its user is deleted when identity is enforced; a failure is logged, not thrown.</summary>
    public async Task RevokeProvisionedAsync(string agentId, CancellationToken cancellationToken)
    {
        if (!check.Enforced)
            return;
        try
        {
            await RevokeAsync(agentId, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            LogRevokeFailed(check.UserOf(agentId), ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Information, "Broker user {User} made (or given a new password) in virtual host {VirtualHost}")]
    partial void LogIssued(string user, string virtualHost);

    [LoggerMessage(LogLevel.Information, "Broker user {User} deleted")]
    partial void LogRevoked(string user);

    [LoggerMessage(LogLevel.Warning, "Broker user {User} could not be deleted: {Error}")]
    partial void LogRevokeFailed(string user, string error);
}
