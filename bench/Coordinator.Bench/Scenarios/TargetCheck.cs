namespace Coordinator.Bench.Scenarios;

/// <summary>One of issue 3's targets and what this run measured against it.</summary>
public sealed record TargetCheck(string Scenario, string Target, string Measured, bool Met)
{
    public override string ToString() => $"{(Met ? "MET   " : "MISSED")} {Scenario}: {Target}; measured {Measured}";
}
