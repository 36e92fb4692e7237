using Coordinator.Tasks.Scheduling;

namespace Coordinator.UnitTests.Tasks;

/// <summary>Cron expressions as users write them (crontab's five fields or Quartz's six), in a time zone; refused with a reason.</summary>
public class Cron_schedules
{
    static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-11-30T10:07:30Z"); // a Monday

    [Theory]
    [InlineData("*/5 * * * *", "UTC", "2026-11-30T10:10:00Z")]
    [InlineData("0 9 * * 1-5", "UTC", "2026-12-01T09:00:00Z")] // weekdays, crontab's numbers (1 = Monday)
    [InlineData("0 9 * * 0", "UTC", "2026-12-06T09:00:00Z")] // Sunday as 0
    [InlineData("0 9 * * 7", "UTC", "2026-12-06T09:00:00Z")] // and as 7
    [InlineData("30 8 * * MON-FRI", "UTC", "2026-12-01T08:30:00Z")]
    [InlineData("0 0 1 * *", "UTC", "2026-12-01T00:00:00Z")]
    [InlineData("0 9 * * *", "Europe/Paris", "2026-12-01T08:00:00Z")] // 09:00 in Paris is 08:00 UTC in winter
    [InlineData("0 9 * * *", "America/New_York", "2026-11-30T14:00:00Z")]
    [InlineData("0/20 * * * * ?", "UTC", "2026-11-30T10:07:40Z")] // Quartz's own, with seconds
    [InlineData("0 0 12 ? * WED", "UTC", "2026-12-02T12:00:00Z")]
    public void The_next_occurrence_is_where_a_user_expects_it(string cron, string zone, string expected)
    {
        var (schedule, error) = CronSchedule.Parse(cron, zone);

        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse(expected), schedule!.NextAfter(Monday));
    }

    [Theory]
    [InlineData("not a cron", "UTC", "has 3 fields")]
    [InlineData("61 * * * *", "UTC", "does not parse")]
    [InlineData("0 9 1 * 1", "UTC", "both a day of the month and a day of the week")]
    [InlineData("", "UTC", "cron is missing")]
    [InlineData("0 9 * * *", "Mars/Olympus_Mons", "time zone 'Mars/Olympus_Mons' is unknown")]
    [InlineData("0 0 0 1 1 ? 2020", "UTC", "never fires")]
    public void A_bad_expression_or_zone_is_refused_naming_the_problem(string cron, string zone, string error)
    {
        var (schedule, reason) = CronSchedule.Parse(cron, zone);

        Assert.Null(schedule);
        Assert.Contains(error, reason);
    }
}
