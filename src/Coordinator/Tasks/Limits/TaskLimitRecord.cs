namespace Coordinator.Tasks.Limits;

/// <summary>A task type's limit in the database. A type once limited keeps its row (and its own dispatch queue) when the limit is lifted.</summary>
public class TaskLimitRecord
{
    public string TaskType { get; set; } = "";
    public int? MaxConcurrent { get; set; }
    public double? PerSecond { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
