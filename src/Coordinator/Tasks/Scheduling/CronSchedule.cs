using System.Text.RegularExpressions;
using Quartz;

namespace Coordinator.Tasks.Scheduling;

/// <summary>
/// A cron expression in a time zone, read by Quartz: its own six or seven fields (seconds first, <c>0 0/5 * * * ?</c>) or the
/// classic five of crontab and Hangfire (<c>*/5 * * * *</c>, days of the week 0-7 with Sunday 0 or 7). Pure: no clock but the
/// argument.
/// </summary>
public sealed partial class CronSchedule
{
    readonly CronExpression expression;

    CronSchedule(CronExpression expression, string text, TimeZoneInfo zone)
    {
        this.expression = expression;
        Text = text;
        Zone = zone;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }
    public TimeZoneInfo Zone { get; }

    /// <summary>The schedule, or why the expression or the time zone cannot be read.</summary>
    public static (CronSchedule? Schedule, string? Error) Parse(string? cron, string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(cron))
            return (null, "cron is missing");
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrWhiteSpace(timeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return (null, $"time zone '{timeZone}' is unknown: use an IANA name such as Europe/Paris or UTC");
        }
        var text = cron.Trim();
        var fields = Spaces().Split(text);
        string quartz;
        switch (fields.Length)
        {
            case 5:
                if (FromCrontab(fields) is not { } converted)
                    return (null, $"cron '{text}' gives both a day of the month and a day of the week; give one, the other '*'");
                quartz = converted;
                break;
            case 6 or 7:
                quartz = text;
                break;
            default:
                return (null, $"cron '{text}' has {fields.Length} fields: use five (minute hour day month weekday) or Quartz's six or seven (seconds first)");
        }
        try
        {
            var expression = new CronExpression(quartz, zone);
            return expression.GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null
                ? (null, $"cron '{text}' never fires")
                : (new CronSchedule(expression, text, zone), null);
        }
        catch (FormatException ex)
        {
            return (null, $"cron '{text}' does not parse: {ex.Message}");
        }
    }

    /// <summary>The first time the schedule fires strictly after <paramref name="after"/>, or null when it never will again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) => expression.GetNextValidTimeAfter(after)?.ToUniversalTime();

    /// <summary>Crontab's five fields as Quartz's six: seconds 0, one of the two day fields '?', weekdays counted from 1 (Sunday).</summary>
    static string? FromCrontab(string[] f)
    {
        var (minute, hour, dayOfMonth, month, dayOfWeek) = (f[0], f[1], f[2], f[3], f[4]);
        if (dayOfWeek == "*")
            dayOfWeek = "?";
        else if (dayOfMonth == "*")
            dayOfMonth = "?";
        else
            return null;
        if (dayOfWeek != "?")
            dayOfWeek = WeekdayNumber().Replace(dayOfWeek, m => m.Groups[1].Value + (int.Parse(m.Groups[2].Value) % 7 + 1));
        return $"0 {minute} {hour} {dayOfMonth} {month} {dayOfWeek}";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>A weekday number (not a step after '/'): crontab's 0-7 become Quartz's 1-7.</summary>
    [GeneratedRegex(@"(^|[,\-])([0-7])(?![0-9])")]
    private static partial Regex WeekdayNumber();
}
