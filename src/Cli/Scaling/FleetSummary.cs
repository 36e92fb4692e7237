using CoordinatorCli.Api;
using CoordinatorCli.Rendering;

namespace CoordinatorCli.Scaling;

/// <summary>The fleet in words, as `scaling` and `watch` show it; plain text, to be escaped where it goes into markup.</summary>
public static class FleetSummary
{
    public const string Disabled = "scaling disabled";

    /// <summary>One line: size and bounds, utilisation, waiting work, and the latest decision.</summary>
    public static string Line(ScalingView view) =>
        !view.Enabled ? Disabled
        : $"{Size(view)}  {Load(view)}" + (Latest(view) is { } latest ? $"  last decision {latest}" : "");

    /// <summary>"3 agent(s), desired 4 (min 3, max 8)".</summary>
    public static string Size(ScalingView view) =>
        $"{view.Current} agent(s), desired {view.Desired} (min {view.Min}, max {view.Max})";

    /// <summary>"utilisation 91.7%  waiting 25", from the last check ("-" before the first one).</summary>
    public static string Load(ScalingView view) =>
        $"utilisation {Percent(Number(view, "utilisation"))}  waiting {Format(Number(view, "waiting"))}";

    /// <summary>"Up (Backlog): why", from the newest recorded decision, else the last check; null when there is neither.</summary>
    public static string? Latest(ScalingView view) =>
        view.Decisions.FirstOrDefault() is { } decision ? Decision(decision.Action, decision.Trigger, decision.Reason)
        : view.LastCheck is { } check ? Decision(check.Action, check.Trigger, check.Reason)
        : null;

    public static string Decision(string? action, string? trigger, string? reason) =>
        $"{Text(action)} ({Text(trigger)}): {Text(reason)}";

    public static double? Number(ScalingView view, string name) =>
        view.Numbers.TryGetValue(name, out var value) ? value : null;

    public static string Format(double? value) => value is { } v ? Display.Number(v) : "-";

    public static string Percent(double? fraction) => fraction is { } f ? $"{Display.Number(f * 100)}%" : "-";

    static string Text(string? value) => string.IsNullOrEmpty(value) ? "-" : value;
}
