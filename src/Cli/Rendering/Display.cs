using System.Globalization;
using Spectre.Console;

namespace CoordinatorCli.Rendering;

/// <summary>How values look in tables: times, ages, numbers, coloured states.</summary>
public static class Display
{
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    public static string Age(DateTimeOffset? value, DateTimeOffset now)
    {
        if (value is not { } v)
        {
            return "never";
        }

        var age = now - v;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 60 ? $"{age.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s ago"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes}m ago"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h ago"
            : $"{(int)age.TotalDays}d ago";
    }

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A task status or agent state, coloured by what it means, escaped for markup.</summary>
    public static string Status(string? status)
    {
        var text = Markup.Escape(string.IsNullOrEmpty(status) ? "-" : status);
        var colour = status?.ToLowerInvariant() switch
        {
            "completed" or "active" or "healthy" => "green",
            "running" or "assigned" or "registering" => "blue",
            "pending" or "degraded" or "draining" => "yellow",
            "failed" or "deadlettered" or "rejected" or "timedout" or "unhealthy" or "unreachable" => "red",
            _ => null,
        };
        return colour is null ? text : $"[{colour}]{text}[/]";
    }

    public static string Escape(string? text) => Markup.Escape(string.IsNullOrEmpty(text) ? "-" : text);

    /// <summary>A task's progress as text: "42% step 3 of 7 (2s ago)", or "-" before any.</summary>
    public static string Progress(Api.TaskProgressView? progress, DateTimeOffset now) =>
        progress is null ? "-"
        : $"{progress.Percent.ToString("0.#", CultureInfo.InvariantCulture)}%"
          + (string.IsNullOrEmpty(progress.Message) ? "" : $" {progress.Message}")
          + (progress.At is { } at ? $" ({Age(at, now)})" : "");
}
