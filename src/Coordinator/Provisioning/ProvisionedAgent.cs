namespace Coordinator.Provisioning;

/// <summary>
/// What a provisioner knows of one agent it started, whatever runs it (a process, a container): its spec, whether it is
/// supervised, whether it was asked to stop or exited on its own, and its record of restarts. Changed under <see cref="Gate"/>.
/// </summary>
internal abstract class ProvisionedAgent(ProvisionedAgentSpec spec, bool supervised)
{
    public ProvisionedAgentSpec Spec { get; } = spec;
    public bool Supervised { get; } = supervised;
    public int FailuresInARow { get; private set; }
    public DateTimeOffset StartedAt { get; set; }
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public bool Stopped { get; set; }
    public bool Exited { get; set; }

    /// <summary>
    /// Whether a reported failure calls for a restart, and after how long; null when it does not: the agent was asked to
    /// stop, or the failure is of an instance last heard before the current one started (old news, already restarted).
    /// Failures in a row are counted afresh after a minute of good health; the delay doubles with each one.
    /// </summary>
    public TimeSpan? NextRestart(DateTimeOffset? lastHeard, DateTimeOffset now, ProvisioningOptions options)
    {
        if (Stopped || lastHeard is { } heard && heard < StartedAt)
            return null;
        if (now - StartedAt > TimeSpan.FromMinutes(1))
            FailuresInARow = 0;
        return options.RestartDelay(FailuresInARow++);
    }
}
