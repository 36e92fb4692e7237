namespace Coordinator.Tasks;

/// <summary>One task in the ledger: what was asked, where it ran, how it ended.</summary>
public class TaskRecord
{
    public string TaskId { get; set; } = "";
    public string TaskType { get; set; } = "";
    public TaskStatus Status { get; set; }
    public string? AgentId { get; set; }
    public int Attempts { get; set; }
    /// <summary>The first attempt of the current run: 1, or the attempt a re-run started with (the retry budget counts from it).</summary>
    public int FirstAttempt { get; set; } = 1;
    public int Priority { get; set; }
    public List<string> RequiredCapabilities { get; set; } = [];
    public double CpuCores { get; set; }
    public long MemoryMb { get; set; }
    public long DiskMb { get; set; }
    public string? Payload { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    /// <summary>When it was submitted to run (Scheduled until then); null for a task run as soon as it is placed.</summary>
    public DateTimeOffset? RunAt { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    /// <summary>Why it was rejected or dead-lettered, or a note such as a stale result.</summary>
    public string? Reason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The latest progress the current attempt reported (0-100), its message and when; cleared when an attempt is assigned.</summary>
    public double? ProgressPercent { get; set; }
    public string? ProgressMessage { get; set; }
    public DateTimeOffset? ProgressAt { get; set; }
    /// <summary>The last checkpoint a handler saved (JSON), when, and its version (attempt and sequence): an older one never replaces it.</summary>
    public string? Checkpoint { get; set; }
    public DateTimeOffset? CheckpointAt { get; set; }
    public long CheckpointVersion { get; set; }
    /// <summary>The earlier runs of a task that was re-run (a JSON array of <see cref="TaskRunSummary"/>), oldest first.</summary>
    public string? EarlierRuns { get; set; }

    internal object MemberwiseCopy() => MemberwiseClone();

    /// <summary>
    /// Cuts what an agent or a client wrote to the column sizes (an error message of any length is a fact of life; a row the
    /// database refuses would stall every ledger write behind it).
    /// </summary>
    public void FitColumns()
    {
        TaskType = Cut(TaskType, TaskRecordMap.MaxTaskType)!;
        AgentId = Cut(AgentId, TaskRecordMap.MaxAgentId);
        Reason = Cut(Reason, TaskRecordMap.MaxReason);
        Error = Cut(Error, TaskRecordMap.MaxError);
        ProgressMessage = Cut(ProgressMessage, TaskRecordMap.MaxProgressMessage);
    }

    static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..(max - 1)] + "…";
}
