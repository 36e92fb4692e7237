namespace Coordinator.Observability;

/// <summary>Figures of how well the coordinator coordinates.</summary>
public static class Coordination
{
    /// <summary>
    /// Load-balancing effectiveness: Jain's fairness index over the live agents' loads, each normalised by its slots
    /// (in flight ÷ slots). (Σx)² ÷ (n·Σx²): 1 when every agent is equally loaded, 1/n when one carries everything; 1 for
    /// an idle fleet (nothing to balance) and null with no agents.
    /// </summary>
    public static double? JainIndex(IEnumerable<double> loads)
    {
        var x = loads.ToList();
        if (x.Count == 0)
            return null;
        var sum = x.Sum();
        var squares = x.Sum(v => v * v);
        return squares == 0 ? 1 : Math.Round(sum * sum / (x.Count * squares), 4);
    }
}
