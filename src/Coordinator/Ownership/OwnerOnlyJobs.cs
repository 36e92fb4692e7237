using Quartz;

namespace Coordinator.Ownership;

/// <summary>
/// Vetoes every Quartz job (health sweeps, scaling checks, retries, schedules, retention, alerts) on a coordinator that does
/// not own the task path now: a standby judges, scales and fires nothing.
/// </summary>
public sealed class OwnerOnlyJobs(TaskPathOwnership ownership) : ITriggerListener
{
    public string Name => "owner-only";

    public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(!ownership.IsOwner);
}
