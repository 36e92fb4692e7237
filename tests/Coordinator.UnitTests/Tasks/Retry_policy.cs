using Coordinator.Contracts;
using Coordinator.Tasks;
using Coordinator.Tasks.Results;

namespace Coordinator.UnitTests.Tasks;

public class Retry_policy
{
    static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(200);

    static FailureDecision Next(DispatchTask task, bool timedOut = false) =>
        RetryPolicy.Next(task, timedOut, "boom", "a1", Now, maxRetries: 3, Backoff);

    static DispatchTask Task(int attempt = 1, int failed = 0, DateTimeOffset? deadline = null) =>
        new() { TaskId = "t", TaskType = "echo", Attempt = attempt, FailedAttempts = failed, Deadline = deadline };

    [Theory]
    [InlineData(1, 0, 200)]
    [InlineData(2, 1, 400)]
    [InlineData(4, 1, 400)] // moved twice besides: moves do not spend the budget
    public void A_failure_under_the_budget_is_retried_elsewhere_after_a_doubling_backoff(int attempt, int failed, int delayMs)
    {
        var decision = Next(Task(attempt, failed));

        Assert.Equal(FailureOutcome.Retry, decision.Outcome);
        Assert.Equal(TimeSpan.FromMilliseconds(delayMs), decision.Delay);
        Assert.Equal((attempt + 1, failed + 1, "a1"), (decision.Next!.Attempt, decision.Next.FailedAttempts, decision.Next.AvoidAgentId));
    }

    [Fact]
    public void The_last_failure_dead_letters_with_the_count_and_the_error()
    {
        Assert.Equal("failed 3 attempt(s); last error: boom", Next(Task(3, 2)).Reason);
        Assert.Equal("failed 3 attempt(s) (moved 2 time(s) besides); last error: boom", Next(Task(5, 2)).Reason);
        Assert.Equal(FailureOutcome.DeadLettered, Next(Task(3, 2)).Outcome);
    }

    [Fact]
    public void Running_past_the_deadline_or_failing_after_it_times_out()
    {
        Assert.Equal((FailureOutcome.TimedOut, "ran past its deadline or the task timeout"),
            (Next(Task(), timedOut: true).Outcome, Next(Task(), timedOut: true).Reason));
        Assert.Equal((FailureOutcome.TimedOut, "deadline passed"), (Next(Task(deadline: Now)).Outcome, Next(Task(deadline: Now)).Reason));
        Assert.Equal(FailureOutcome.Retry, Next(Task(deadline: Now.AddSeconds(1))).Outcome);
    }

    [Theory]
    [InlineData(null, 300, 300)]
    [InlineData(60, 300, 60)]
    [InlineData(600, 300, 300)]
    public void An_attempt_ends_at_the_sooner_of_its_deadline_and_the_task_timeout(int? deadlineSeconds, int timeoutSeconds, int expectedSeconds)
    {
        var deadline = DeadlineRule.For(deadlineSeconds is { } s ? Now.AddSeconds(s) : null, Now, TimeSpan.FromSeconds(timeoutSeconds));

        Assert.Equal(Now.AddSeconds(expectedSeconds), deadline);
    }
}
