using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>
/// Who this agent is and what it offers, section <c>Agent</c> of the configuration (appsettings.json, environment variables
/// such as <c>Agent__MaxConcurrentTasks</c>, or the command line: <c>--agent-id</c>, <c>--capabilities</c>, <c>--concurrency</c>,
/// see <see cref="AgentWorkerRegistration.SwitchMappings"/>). Validated when the host starts: a bad value stops it with a
/// message naming the key.
/// </summary>
public sealed partial class AgentOptions : IValidatableObject
{
    /// <summary>The configuration section: <c>Agent</c>.</summary>
    public const string Section = "Agent";

    /// <summary>Unique in the fleet; becomes the queue name <c>agent-{AgentId}</c>. Defaults to host name and process id.</summary>
    public string AgentId { get; set; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>
    /// Comma-separated task types and tags (<c>gpu</c>, say) this agent offers; tasks are placed on it only for these. When not
    /// set, the task types of its registered handlers.
    /// </summary>
    public string? Capabilities { get; set; }

    /// <summary>CPU cores declared to the coordinator (resources it reserves for tasks); defaults to the machine's.</summary>
    [Range(0.01, 4096)]
    public double CpuCores { get; set; } = Environment.ProcessorCount;

    /// <summary>Memory declared to the coordinator, in MB; the agent reports itself degraded near it.</summary>
    [Range(1, long.MaxValue)]
    public long MemoryMb { get; set; } = 1024;

    /// <summary>Disk declared to the coordinator, in MB; measured as the size of <see cref="WorkDirectory"/>.</summary>
    [Range(0, long.MaxValue)]
    public long DiskMb { get; set; } = 1024;

    /// <summary>Tasks run at once; the coordinator never sends more than this plus <see cref="QueueBuffer"/>.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentTasks { get; set; } = 4;

    /// <summary>Assignments prefetched beyond MaxConcurrentTasks (the coordinator never sends more than that).</summary>
    [Range(0, 1000)]
    public int QueueBuffer { get; set; } = 2;

    /// <summary>Largest result a handler may return, in bytes of JSON; a larger one fails the task.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxResultBytes { get; set; } = 256 * 1024;

    /// <summary>Largest checkpoint a handler may save, in bytes of JSON; a larger one is refused to the handler.</summary>
    [Range(16, 1024 * 1024)]
    public int MaxCheckpointBytes { get; set; } = 64 * 1024;

    /// <summary>Least time between two progress reports of one task (the latest value is the one sent).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the agent tells the coordinator it is alive (and how loaded it is); the coordinator's setting should match.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// TaskStarted is sent only for a task still running this long after it started: a shorter one is reported once, by its
    /// result (which carries when it started). 0 sends TaskStarted for every task.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StartedReportDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest a graceful stop waits for running work before unregistering anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A free-form kind, shown with the agent (<c>generic</c> by default).</summary>
    [Required(AllowEmptyStrings = false)]
    public string AgentType { get; set; } = "generic";

    /// <summary>Free-form labels, shown with the agent.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>
    /// Scratch space for handlers (each run gets <see cref="TaskContext.WorkDirectory"/> below it); its size is the disk usage
    /// reported in heartbeats. Defaults to <c>coordinator-agents/{AgentId}</c> in the temporary directory.
    /// </summary>
    public string? WorkDirectory { get; set; }

    /// <summary>
    /// When set, a file touched after every heartbeat the broker took: a container's health check reads its age (healthy
    /// while heartbeats get through). Unset by default.
    /// </summary>
    public string? HealthFile { get; set; }

    /// <summary>
    /// Benchmark baseline mode: when set, the worker consumes <c>SubmitTask</c> from this queue, shared by
    /// every worker (plain competing consumers), instead of its own <c>agent-{AgentId}</c> queue, and does not
    /// register with the coordinator. Unset (the default) in normal operation.
    /// </summary>
    public string? BaselineQueue { get; set; }

    /// <summary><see cref="Capabilities"/> as a list: empty when not set.</summary>
    public IReadOnlyList<string> CapabilityList =>
        Capabilities?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>
    /// A bootstrap token of the coordinator's (<c>AgentIdentity:BootstrapTokens</c>): at start the agent presents it at
    /// <see cref="CoordinatorUrl"/> and connects to the broker as the user it gets for its id, instead of <c>RabbitMq:Username</c>.
    /// For agents started elsewhere when the coordinator wants each agent to be its own broker user.
    /// </summary>
    public string? BootstrapToken { get; set; }

    /// <summary>The coordinator's HTTP API (<c>http://coordinator:5080</c>, say), for <see cref="BootstrapToken"/>.</summary>
    public string? CoordinatorUrl { get; set; }

    /// <summary>Checks what data annotations cannot: the id's form, and capabilities that name something when set.</summary>
    /// <param name="validationContext">Unused.</param>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ValidId().IsMatch(AgentId ?? ""))
            yield return new ValidationResult(
                $"'{AgentId}' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", [nameof(AgentId)]);
        if (Capabilities is not null && CapabilityList.Count == 0)
            yield return new ValidationResult("must name at least one capability", [nameof(Capabilities)]);
        if (!string.IsNullOrWhiteSpace(BootstrapToken)
            && (!Uri.TryCreate(CoordinatorUrl, UriKind.Absolute, out var coordinator) || coordinator.Scheme is not ("http" or "https")))
            yield return new ValidationResult(
                $"must be the coordinator's http(s) address when Agent:BootstrapToken is set, was '{CoordinatorUrl}'", [nameof(CoordinatorUrl)]);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidId();
}
