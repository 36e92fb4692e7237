namespace Coordinator.Alerts;

/// <summary>The alerts raised since the coordinator started: every firing one, and the latest resolved ones (bounded).</summary>
public sealed class AlertBook
{
    const int ResolvedKept = 200;

    public sealed record Alert(Guid AlertId, string Rule, string Subject, string Message, double Value, double Threshold, DateTimeOffset RaisedAt,
        DateTimeOffset? ResolvedAt = null);

    readonly Lock _gate = new();
    readonly Dictionary<(string Rule, string Subject), Alert> _firing = new();
    readonly LinkedList<Alert> _resolved = new();

    public Alert? Firing(string rule, string subject)
    {
        lock (_gate)
            return _firing.GetValueOrDefault((rule, subject));
    }

    public IReadOnlyList<Alert> AllFiring()
    {
        lock (_gate)
            return [.. _firing.Values];
    }

    public void Raised(Alert alert)
    {
        lock (_gate)
            _firing[(alert.Rule, alert.Subject)] = alert;
    }

    public Alert? Resolve(string rule, string subject, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_firing.Remove((rule, subject), out var alert))
                return null;
            var resolved = alert with { ResolvedAt = at };
            _resolved.AddFirst(resolved);
            while (_resolved.Count > ResolvedKept)
                _resolved.RemoveLast();
            return resolved;
        }
    }

    /// <summary>Firing alerts first, then resolved ones, each the newest first.</summary>
    public IReadOnlyList<Alert> List()
    {
        lock (_gate)
            return [.. _firing.Values.OrderByDescending(a => a.RaisedAt), .. _resolved];
    }
}
