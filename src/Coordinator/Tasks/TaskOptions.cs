using System.ComponentModel.DataAnnotations;

namespace Coordinator.Tasks;

/// <summary>What the coordinator accepts of and keeps about tasks beyond their placement, section <c>Tasks</c>.</summary>
public sealed class TaskOptions
{
    public const string Section = "Tasks";

    /// <summary>Largest checkpoint stored, in bytes of JSON (the agent's SDK refuses a larger one before sending it).</summary>
    [Range(16, 1024 * 1024)]
    public int MaxCheckpointBytes { get; set; } = 64 * 1024;

    /// <summary>How often each coordinator looks for scheduled and recurring tasks that are due (their precision).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ScheduleSweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
