using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Tasks;

namespace Coordinator.UnitTests.Tasks;

/// <summary>The one mapping of a task: every field survives submission → dispatch → assignment → move, and the ledger round trip.</summary>
public class Task_forms
{
    static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    static readonly SubmitTask Submission = new()
    {
        TaskId = "t1",
        TaskType = " render ",
        RequiredCapabilities = ["gpu", " GPU", "fast"],
        Payload = JsonSerializer.SerializeToElement(new { frame = 7 }),
        Priority = 6,
        Deadline = Now.AddHours(1),
        Resources = new TaskResources { CpuCores = 2, MemoryMb = 512, DiskMb = 10 },
    };

    /// <summary>Structural equality over every field, lists and JSON payloads included.</summary>
    static void Same(DispatchTask expected, DispatchTask actual) => Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    [Fact]
    public void A_submission_becomes_a_first_attempt_with_its_capabilities_as_placement_compares_them()
    {
        var dispatch = TaskForms.Dispatch(Submission, "t1", Now);

        Assert.Equal(("render", 6, 1, 0), (dispatch.TaskType, dispatch.Priority, dispatch.Attempt, dispatch.FailedAttempts));
        Assert.Equal(["gpu", "fast"], dispatch.RequiredCapabilities);
    }

    [Fact]
    public void A_task_moved_off_its_agent_keeps_everything_but_its_attempt_agent_and_the_deadline_it_was_given()
    {
        var dispatch = TaskForms.Dispatch(Submission, "t1", Now) with { FailedAttempts = 1 };
        var deadline = DeadlineRule.For(dispatch.Deadline, Now, TimeSpan.FromMinutes(5));

        var moved = TaskForms.Moved(TaskForms.Assignment(dispatch, "a1", deadline, Now));

        Same(dispatch with { Attempt = 2, AvoidAgentId = "a1", Deadline = Now.AddMinutes(5) }, moved);
    }

    [Fact]
    public void A_task_restored_from_its_record_is_the_task_that_was_submitted()
    {
        var record = TaskForms.Record(Submission, "t1", Coordinator.Tasks.TaskStatus.Pending, Now, null);

        Same(TaskForms.Dispatch(Submission, "t1", Now) with { Attempt = 3 }, TaskForms.Dispatch(record, attempt: 3));
    }

    [Fact]
    public void A_retry_counts_a_failure_and_a_move_does_not()
    {
        var first = TaskForms.Dispatch(Submission, "t1", Now);

        Same(first with { Attempt = 2, FailedAttempts = 1, AvoidAgentId = "a1" }, TaskForms.Retried(first, "a1"));
        Same(first with { Attempt = 2, AvoidAgentId = "a1" }, TaskForms.Moved(first, "a1"));
    }
}
