using Coordinator.Agents.Identity;
using Coordinator.Hosting;
using Coordinator.Ownership;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Intake;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using Coordinator.Tasks.Results;
using MassTransit;
using Quartz;

namespace Coordinator.Tasks;

public static class TaskRegistration
{
    /// <summary>Intake, placement, ledger, retries: everything between a submitted task and its result.</summary>
    public static IServiceCollection AddTaskDistribution(this IServiceCollection services)
    {
        services.AddValidatedOptions<TaskOptions>(TaskOptions.Section);
        services.AddSingleton<ResourceReporter>();
        services.AddSingleton<TaskRules>();
        services.AddSingleton<TaskIntake>();
        services.AddSingleton<TaskLedger>();
        services.AddHostedService<TaskLedgerWriter>();
        services.AddOwnerActivation<Recovery.InFlightRestorer>();
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<Control.TaskCancellation>();
        services.AddSingleton<Control.TaskRerun>();
        services.AddSingleton<Scheduling.ScheduleStore>();
        services.AddSingleton<Limits.TaskLimits>();
        services.AddSingleton<DispatchQueue>();
        services.AddSingleton<Limits.LimitedDispatchEndpoints>();
        services.AddSingleton<IOwnerActivation>(sp => sp.GetRequiredService<Limits.LimitedDispatchEndpoints>());
        services.AddSingleton<Scheduling.TaskSchedules>();
        services.AddSingleton<TaskRetryScheduler>();
        services.AddSingleton<TaskPlacement>();
        services.AddSingleton<TaskAssigner>();
        services.AddSingleton<StrategySelector>();
        services.AddPlacementStrategy<RoundRobinStrategy>();
        services.AddPlacementStrategy<LeastConnectionsStrategy>();
        services.AddPlacementStrategy<ResourceBasedStrategy>();
        services.AddPlacementStrategy<CapabilityBasedStrategy>();
        services.AddPlacementStrategy<WeightedStrategy>();
        services.AddHttpClient();
        services.AddSingleton<Messaging.BrokerQueues>();
        services.AddHostedService<Messaging.ErrorQueueBounds>();
        services.AddSingleton<Messaging.QueueConsumerProbe>();
        services.AddSingleton<TaskDemand>();
        services.AddSingleton<Recovery.AssignmentMover>();
        services.AddSingleton<Recovery.AgentRecovery>();
        services.AddSingleton<Recovery.AssignmentWatchdog>();
        services.AddSingleton<Recovery.RecoveryMetrics>();
        services.AddSingleton<TaskFaults>();
        services.AddSingleton<TaskReportRefusals>();
        services.AddSingleton<TaskCheckpoints>();
        return services;
    }

    /// <summary>
    /// The tasks' Quartz jobs: the sweep that fires scheduled and recurring tasks (every Tasks:ScheduleSweepInterval) and the ledger's
    /// retention (every Tasks:RetentionInterval).
    /// </summary>
    public static IServiceCollection AddTaskJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TaskOptions.Section);
        var sweep = section.GetValue<TimeSpan?>(nameof(TaskOptions.ScheduleSweepInterval)) ?? new TaskOptions().ScheduleSweepInterval;
        var prune = section.GetValue<TimeSpan?>(nameof(TaskOptions.RetentionInterval)) ?? new TaskOptions().RetentionInterval;
        services.AddSingleton<TaskRetention>();
        services.AddQuartz(q =>
        {
            q.AddJob<Scheduling.ScheduleSweepJob>(j => j.WithIdentity(Scheduling.ScheduleSweepJob.Key));
            q.AddTrigger(t => t.ForJob(Scheduling.ScheduleSweepJob.Key).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(sweep).RepeatForever()));
            q.AddJob<TaskRetentionJob>(j => j.WithIdentity(TaskRetentionJob.Key));
            q.AddTrigger(t => t.ForJob(TaskRetentionJob.Key).StartAt(DateTimeOffset.UtcNow + prune)
                .WithSimpleSchedule(s => s.WithInterval(prune).RepeatForever()));
        });
        return services;
    }

    /// <summary>Registers a placement strategy (built-in or your own plug-in), selectable by its Name.</summary>
    public static IServiceCollection AddPlacementStrategy<TStrategy>(this IServiceCollection services)
        where TStrategy : class, IPlacementStrategy =>
        services.AddSingleton<IPlacementStrategy, TStrategy>();

    public static IBusRegistrationConfigurator AddTaskConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<SubmitTaskConsumer, SubmitTaskConsumerDefinition>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<DispatchTaskConsumer, DispatchTaskConsumerDefinition>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<TaskStartedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<TaskCompletedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<TaskFailedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<TaskProgressConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<TaskCheckpointedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<Recovery.AssignmentReleasedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<Recovery.AgentFailedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<Recovery.AgentUnregisteredConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<SubmissionFaultConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<DispatchFaultConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<ResultFaultConsumer>().ExcludeFromConfigureEndpoints();
        return x;
    }

    /// <summary>
    /// <c>coordinator.task-results</c>, bound to <c>coordinator.task-events</c>. That exchange also carries
    /// the coordinator's own TaskRejected and TaskDeadLettered (for watchers): here they are discarded
    /// rather than parked in a _skipped queue. Events leave only after a consumer finishes.
    /// </summary>
    static void ConfigureTaskResultsEndpoint(IBusRegistrationContext context, IReceiveEndpointConfigurator e)
    {
        // Each result mostly waits for the ledger's next batch; a slot is freed before that wait, so a result that
        // queues behind others keeps its agent looking busy (and new tasks off it) for longer.
        e.Rabbit(r => r.PrefetchCount = 128);
        e.ConcurrentMessageLimit = 128;
        e.DiscardSkippedMessages();
        e.UseInMemoryOutbox(context);
        e.UseAgentIdentity(context);
        e.ConfigureConsumer<TaskStartedConsumer>(context);
        e.ConfigureConsumer<TaskCompletedConsumer>(context);
        e.ConfigureConsumer<TaskFailedConsumer>(context);
        e.ConfigureConsumer<TaskProgressConsumer>(context);
        e.ConfigureConsumer<TaskCheckpointedConsumer>(context);
        e.ConfigureConsumer<Recovery.AssignmentReleasedConsumer>(context, c => c.UseMessageRetry(r => r.Intervals(200, 1000, 5000, 10000)));
    }

    /// <summary>
    /// <c>coordinator.task-faults</c>: MassTransit's faults of the task path's consumers (bound to their fault exchanges). Each
    /// faulted task ends in a status with a reason; a fault of these consumers themselves is left in the error queue.
    /// </summary>
    static void ConfigureTaskFaultsEndpoint(IBusRegistrationContext context, IReceiveEndpointConfigurator e)
    {
        e.ConfigureConsumer<SubmissionFaultConsumer>(context);
        e.ConfigureConsumer<DispatchFaultConsumer>(context);
        e.ConfigureConsumer<ResultFaultConsumer>(context);
    }

    /// <summary>
    /// The task path's queues, consumed by the owner only (<see cref="Ownership.OwnerEndpoints"/>): intake, dispatch (its
    /// definitions say how), results and faults.
    /// </summary>
    public static IServiceCollection AddTaskEndpoints(this IServiceCollection services)
    {
        services.AddOwnerEndpoint(Contracts.EntityNames.IntakeQueue, (context, e) =>
        {
            var limit = new SubmitTaskConsumerDefinition().ConcurrentMessageLimit ?? 128;
            e.Rabbit(r => r.PrefetchCount = limit);
            e.ConcurrentMessageLimit = limit;
            e.ConfigureConsumer<SubmitTaskConsumer>(context);
        });
        services.AddOwnerEndpoint(Contracts.EntityNames.DispatchQueue, (context, e) =>
        {
            e.ConcurrentMessageLimit = context.GetRequiredService<CoordinatorOptions>().DispatchConcurrency;
            e.ConfigureConsumer<DispatchTaskConsumer>(context);
        });
        services.AddOwnerEndpoint(Contracts.EntityNames.TaskResultsQueue, ConfigureTaskResultsEndpoint);
        services.AddOwnerEndpoint(Contracts.EntityNames.TaskFaultsQueue, ConfigureTaskFaultsEndpoint);
        return services;
    }
}
