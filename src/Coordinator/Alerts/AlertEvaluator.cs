using System.Globalization;
using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Observability;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using MassTransit;

namespace Coordinator.Alerts;

/// <summary>
/// Evaluates the alert rules every <see cref="AlertOptions.EvaluateEvery"/>. A condition that holds for the rule's
/// <c>For</c> raises one alert per rule and subject: <see cref="AlertRaised"/> on <c>coordinator.alerts</c>, the
/// <see cref="AlertBook"/> behind <c>GET /api/alerts</c>, the webhook if set. When it no longer holds (or the rule is
/// turned off), <see cref="AlertResolved"/> follows. Publishing is best effort: a broker outage loses the message, not
/// the alert (the book and the webhook keep it).
/// </summary>
public sealed partial class AlertEvaluator(
    AlertOptions options,
    AlertBook book,
    AlertWebhook webhook,
    SystemFigures figures,
    TaskDemand demand,
    AgentRegistry registry,
    IServiceScopeFactory scopes,
    IBus bus,
    CoordinatorMetrics metrics,
    Ownership.TaskPathOwnership ownership,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    public const string System = "system";

    readonly record struct Condition(string Rule, string Subject, double Value, double Threshold, string Message);

    readonly Dictionary<(string Rule, string Subject), DateTimeOffset> _pending = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
            return;
        using var timer = new PeriodicTimer(options.EvaluateEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!ownership.IsActive)
                continue; // a standby raises nothing: the owner's view is the one that counts
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogEvaluationFailed(ex.Message);
            }
        }
    }

    /// <summary>One evaluation of every rule.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var holding = (await ConditionsAsync(now, cancellationToken)).ToDictionary(c => (c.Rule, c.Subject));
        foreach (var key in _pending.Keys.Where(k => !holding.ContainsKey(k)).ToList())
            _pending.Remove(key);
        foreach (var alert in book.AllFiring().Where(a => !holding.ContainsKey((a.Rule, a.Subject))))
        {
            if (book.Resolve(alert.Rule, alert.Subject, now) is { } resolved)
                await ResolveAsync(resolved, cancellationToken);
        }
        foreach (var (key, condition) in holding)
        {
            var since = _pending.TryGetValue(key, out var first) ? first : _pending[key] = now;
            if (now - since < For(condition.Rule) || book.Firing(condition.Rule, condition.Subject) is not null)
                continue;
            var alert = new AlertBook.Alert(Guid.NewGuid(), condition.Rule, condition.Subject, condition.Message, condition.Value, condition.Threshold, now);
            book.Raised(alert);
            await RaiseAsync(alert, cancellationToken);
        }
    }

    TimeSpan For(string rule) => rule switch
    {
        nameof(AlertOptions.ErrorRate) => options.ErrorRate.For,
        nameof(AlertOptions.OldestWait) => options.OldestWait.For,
        nameof(AlertOptions.NoActiveAgent) => options.NoActiveAgent.For,
        nameof(AlertOptions.AgentFailed) => options.AgentFailed.For,
        _ => options.DeadLetters.For,
    };

    async Task<List<Condition>> ConditionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var holding = new List<Condition>();
        if (options.ErrorRate is { Enabled: true } errors)
        {
            var (rate, finished) = figures.ErrorRate(errors.Window);
            if (finished >= errors.MinAttempts && rate > errors.Threshold)
                holding.Add(new Condition(nameof(AlertOptions.ErrorRate), System, rate, errors.Threshold,
                    $"error rate {Percent(rate)} of {finished} attempt(s) in the last {Span(errors.Window)} is above {Percent(errors.Threshold)}"));
        }
        if (options.OldestWait.Enabled || options.NoActiveAgent.Enabled)
        {
            var work = await demand.SnapshotAsync(cancellationToken);
            var oldest = work.Head.Count == 0 ? TimeSpan.Zero : work.Head.Max(t => t.Waited);
            if (options.OldestWait is { Enabled: true } wait && oldest > wait.Threshold)
                holding.Add(new Condition(nameof(AlertOptions.OldestWait), System, oldest.TotalSeconds, wait.Threshold.TotalSeconds,
                    $"the oldest waiting task has waited {Span(oldest)}, longer than {Span(wait.Threshold)} ({work.Waiting} waiting)"));
            if (options.NoActiveAgent.Enabled && work.Waiting > 0 && !registry.All.Any(a => a.State == AgentStates.Active))
                holding.Add(new Condition(nameof(AlertOptions.NoActiveAgent), System, work.Waiting, 0,
                    $"{work.Waiting} task(s) wait and no agent is Active"));
        }
        if (options.AgentFailed is { Enabled: true } failures)
        {
            foreach (var agent in registry.All.Where(a => a.State == AgentStates.Failed && now - a.UpdatedAt <= failures.Window))
                holding.Add(new Condition(nameof(AlertOptions.AgentFailed), agent.AgentId, 1, 0, $"agent {agent.AgentId} failed: {agent.StateReason}"));
        }
        if (options.DeadLetters is { Enabled: true } dead)
        {
            await using var scope = scopes.CreateAsyncScope();
            var count = await scope.ServiceProvider.GetRequiredService<TaskQueries>().CountDeadLetteredSinceAsync(now - dead.Window, cancellationToken);
            if (count >= dead.Threshold)
                holding.Add(new Condition(nameof(AlertOptions.DeadLetters), System, count, dead.Threshold,
                    $"{count} task(s) dead-lettered in the last {Span(dead.Window)} (threshold {dead.Threshold})"));
        }
        return holding;
    }

    async Task RaiseAsync(AlertBook.Alert alert, CancellationToken cancellationToken)
    {
        LogRaised(alert.Rule, alert.Subject, alert.Message);
        metrics.AlertRaised(alert.Rule);
        var message = new AlertRaised
        {
            AlertId = alert.AlertId, Rule = alert.Rule, Subject = alert.Subject, Message = alert.Message, Value = alert.Value,
            Threshold = alert.Threshold, RaisedAt = alert.RaisedAt,
        };
        webhook.Enqueue(nameof(AlertRaised), message);
        await PublishAsync(message, cancellationToken);
    }

    async Task ResolveAsync(AlertBook.Alert alert, CancellationToken cancellationToken)
    {
        LogResolved(alert.Rule, alert.Subject, alert.Message);
        var message = new AlertResolved
        {
            AlertId = alert.AlertId, Rule = alert.Rule, Subject = alert.Subject, Message = alert.Message, RaisedAt = alert.RaisedAt,
            ResolvedAt = alert.ResolvedAt!.Value,
        };
        webhook.Enqueue(nameof(AlertResolved), message);
        await PublishAsync(message, cancellationToken);
    }

    async Task PublishAsync<T>(T message, CancellationToken cancellationToken) where T : class
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await bus.Publish(message, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(typeof(T).Name, ex.Message);
        }
    }

    static string Percent(double ratio) => ratio.ToString("P1", CultureInfo.InvariantCulture);

    static string Span(TimeSpan span) => span.TotalSeconds < 120
        ? $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s"
        : $"{span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";

    [LoggerMessage(LogLevel.Warning, "Alert {Rule} raised for {Subject}: {Message}")]
    partial void LogRaised(string rule, string subject, string message);

    [LoggerMessage(LogLevel.Information, "Alert {Rule} resolved for {Subject} (was: {Message})")]
    partial void LogResolved(string rule, string subject, string message);

    [LoggerMessage(LogLevel.Warning, "Could not publish {Message} to coordinator.alerts: {Error}")]
    partial void LogPublishFailed(string message, string error);

    [LoggerMessage(LogLevel.Warning, "Evaluating the alert rules failed: {Error}; trying again at the next evaluation")]
    partial void LogEvaluationFailed(string error);
}
