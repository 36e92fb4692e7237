using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Health;
using Coordinator.Messaging;
using Coordinator.Scaling;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using Coordinator.Tasks.Recovery;
using Prometheus;

namespace Coordinator.Observability;

/// <summary>
/// The coordinator's Prometheus series, served at <c>/metrics</c> (prometheus-net, a registry of its own). Events are
/// counted and timed as they happen (attempts finished, latencies, detection and recovery, scaling); levels (tasks by
/// status, backlog, agents by state, per-agent load, fleet size) are read from the coordinator's own state when scraped.
/// </summary>
public sealed class CoordinatorMetrics
{
    static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
    static readonly double[] DetectionBuckets = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120];

    readonly Counter _attempts;
    readonly Counter _agentCompleted;
    readonly Counter _agentFailed;
    readonly Histogram _assignment;
    readonly Histogram _endToEnd;
    readonly Histogram _duration;
    readonly Histogram _detection;
    readonly Histogram _recovery;
    readonly Counter _scalingEvents;
    readonly Counter _alerts;
    readonly Histogram _scalingResponse;
    readonly Counter _refused;
    readonly Counter _reportsRefused;

    public CoordinatorMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _refused = factory.CreateCounter("coordinator_agent_messages_refused_total",
            "Messages that spoke for an agent but did not come from its broker user (AgentIdentity:Mode=Broker), by message type.",
            new CounterConfiguration { LabelNames = ["message_type"] });
        _reportsRefused = factory.CreateCounter("coordinator_task_reports_refused_total",
            "Progress reports and checkpoints the coordinator refused, by report (checkpoint, progress) and reason (oversized, invalid_percent).",
            new CounterConfiguration { LabelNames = ["report", "reason"] });
        _attempts = factory.CreateCounter("coordinator_task_attempts_finished_total", "Task attempts that ended on an agent, by outcome.",
            new CounterConfiguration { LabelNames = ["outcome"] });
        _agentCompleted = factory.CreateCounter("coordinator_agent_tasks_completed_total", "Tasks each agent completed.",
            new CounterConfiguration { LabelNames = ["agent_id"] });
        _agentFailed = factory.CreateCounter("coordinator_agent_tasks_failed_total", "Task attempts that failed on each agent.",
            new CounterConfiguration { LabelNames = ["agent_id"] });
        _assignment = factory.CreateHistogram("coordinator_task_assignment_seconds", "From submission to the first assignment to an agent.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _endToEnd = factory.CreateHistogram("coordinator_task_end_to_end_seconds", "From submission to completion.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _duration = factory.CreateHistogram("coordinator_task_duration_seconds", "How long an attempt ran on its agent, by outcome.",
            new HistogramConfiguration { Buckets = LatencyBuckets, LabelNames = ["outcome"] });
        _detection = factory.CreateHistogram("coordinator_failure_detection_seconds", "From an agent's last heartbeat to the verdict that it failed.",
            new HistogramConfiguration { Buckets = DetectionBuckets });
        _recovery = factory.CreateHistogram("coordinator_recovery_seconds", "Time to recover (MTTR): from a failed agent's last heartbeat to its work back in dispatch.",
            new HistogramConfiguration { Buckets = DetectionBuckets });
        _scalingEvents = factory.CreateCounter("coordinator_scaling_events_total", "Agents the ScalingManager started (up) or drained (down).",
            new CounterConfiguration { LabelNames = ["direction", "trigger"] });
        _scalingResponse = factory.CreateHistogram("coordinator_scaling_response_seconds", "From the decision to start an agent until it is Active.",
            new HistogramConfiguration { Buckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600] });
        _alerts = factory.CreateCounter("coordinator_alerts_raised_total", "Alerts raised, by rule.", new CounterConfiguration { LabelNames = ["rule"] });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Wires the event counters to placement and the levels to a scrape; called once when the host is built.</summary>
    public void Observe(IServiceProvider services)
    {
        var placement = services.GetRequiredService<TaskPlacement>();
        placement.Finished += OnFinished;
        placement.Assigned += OnAssigned;
        var factory = Metrics.WithCustomRegistry(Registry);
        var tasks = factory.CreateGauge("coordinator_tasks", "Tasks in the ledger by status (terminal ones included).", new GaugeConfiguration { LabelNames = ["status"] });
        var backlog = factory.CreateGauge("coordinator_backlog_tasks", "Tasks waiting for an agent: in the dispatch queue and held for capacity.");
        var oldest = factory.CreateGauge("coordinator_backlog_oldest_wait_seconds", "How long the oldest task held for capacity has waited.");
        var inFlight = factory.CreateGauge("coordinator_tasks_in_flight", "Tasks assigned to an agent and not yet finished.");
        var agents = factory.CreateGauge("coordinator_agents", "Agents by state.", new GaugeConfiguration { LabelNames = ["state"] });
        var agentInFlight = factory.CreateGauge("coordinator_agent_in_flight_tasks", "Tasks each live agent holds.", new GaugeConfiguration { LabelNames = ["agent_id"] });
        var agentSlots = factory.CreateGauge("coordinator_agent_slots", "Tasks each live agent may hold at once.", new GaugeConfiguration { LabelNames = ["agent_id"] });
        var fleet = factory.CreateGauge("coordinator_fleet_size", "The ScalingManager's fleet: current and desired agents.", new GaugeConfiguration { LabelNames = ["kind"] });
        var submitted = factory.CreateCounter("coordinator_tasks_submitted_total", "Tasks accepted for dispatch.");
        var failures = factory.CreateCounter("coordinator_agent_failures_detected_total", "Agents the coordinator declared failed.");
        var falseAlarms = factory.CreateCounter("coordinator_agent_false_failures_total", "Failure verdicts on agents that were alive after all (the same instance came back).");
        var missed = factory.CreateCounter("coordinator_agent_missed_failures_total", "Agent instances that died without a verdict (a new instance took the id over first).");
        var utilisation = factory.CreateGauge("coordinator_slot_utilisation_ratio", "Slots in use over the slots of the live agents.");
        var balance = factory.CreateGauge("coordinator_load_balance_jain_index",
            "Load-balancing effectiveness: Jain's index over the live agents' in-flight / slots (1 = even, 1/n = one agent carries all).");
        var precision = factory.CreateGauge("coordinator_detection_precision_ratio", "Of the failure verdicts, the share that were real.");
        var recall = factory.CreateGauge("coordinator_detection_recall_ratio", "Of the real failures, the share the detector caught.");
        var completion = factory.CreateGauge("coordinator_agent_completion_ratio", "Completed over finished attempts, per live agent.",
            new GaugeConfiguration { LabelNames = ["agent_id"] });
        var meanDuration = factory.CreateGauge("coordinator_agent_average_task_seconds", "Mean run time of the completed attempts, per live agent.",
            new GaugeConfiguration { LabelNames = ["agent_id"] });
        var lag = factory.CreateGauge("coordinator_heartbeat_lag_seconds", "How far the coordinator is behind on heartbeats (the backlog divided by its intake rate).");
        var errorQueues = factory.CreateGauge("coordinator_error_queue_messages",
            "Messages parked in each error or skipped queue (bounded by Coordinator:ErrorQueueMaxLength and ErrorQueueMaxAge).",
            new GaugeConfiguration { LabelNames = ["queue"] });

        var registry = services.GetRequiredService<AgentRegistry>();
        var demand = services.GetRequiredService<TaskDemand>();
        var queues = services.GetRequiredService<BrokerQueues>();
        var recovery = services.GetRequiredService<RecoveryMetrics>();
        var health = services.GetRequiredService<HealthFigures>();
        var scaling = services.GetRequiredService<ScalingManager>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        services.GetRequiredService<Agents.Identity.AgentIdentityRefusals>().Counted += type => _refused.WithLabels(type).Inc();
        services.GetRequiredService<Tasks.Results.TaskReportRefusals>().Counted += (report, reason) => _reportsRefused.WithLabels(report, reason).Inc();
        recovery.DetectionObserved += since => _detection.Observe(since.TotalSeconds);
        recovery.RecoveryObserved += since => _recovery.Observe(since.TotalSeconds);
        scaling.Responded += seconds => _scalingResponse.Observe(seconds);
        scaling.Scaled += (action, trigger, agents) => _scalingEvents.WithLabels(action.ToString().ToLowerInvariant(), trigger.ToString()).Inc(agents);
        var seenStates = new HashSet<string>(StringComparer.Ordinal);
        var seenAgents = new HashSet<string>(StringComparer.Ordinal);
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                foreach (var (status, count) in await scope.ServiceProvider.GetRequiredService<TaskQueries>().CountByStatusAsync(timeout.Token))
                    tasks.WithLabels(status).Set(count);
                backlog.Set((await queues.DepthAsync(EntityNames.DispatchQueue, timeout.Token) ?? 0) + placement.Waiting.Count);
                foreach (var (queue, messages) in await queues.ErrorQueuesAsync(timeout.Token) ?? [])
                    errorQueues.WithLabels(queue).Set(messages);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // the database or broker is slow: these series keep their last values for this scrape
            }
            var now = DateTimeOffset.UtcNow;
            var held = placement.WaitingSince();
            oldest.Set(held.Count == 0 ? 0 : held.Max(w => (now - w.Since).TotalSeconds));
            inFlight.Set(placement.InFlightCount);
            var all = registry.All;
            var byState = all.GroupBy(a => a.State).ToDictionary(g => g.Key, g => g.Count());
            seenStates.UnionWith(byState.Keys);
            foreach (var state in seenStates)
                agents.WithLabels(state).Set(byState.GetValueOrDefault(state));
            var live = all.Where(a => AgentStates.Live.Contains(a.State)).ToList();
            foreach (var gone in seenAgents.Except(live.Select(a => a.AgentId)).ToList())
            {
                agentInFlight.RemoveLabelled(gone);
                agentSlots.RemoveLabelled(gone);
                completion.RemoveLabelled(gone);
                meanDuration.RemoveLabelled(gone);
                seenAgents.Remove(gone);
            }
            var loads = new List<double>();
            var (busy, slots) = (0, 0);
            foreach (var agent in live)
            {
                seenAgents.Add(agent.AgentId);
                var load = placement.LoadOf(agent.AgentId);
                var room = placement.SlotsOf(agent);
                agentInFlight.WithLabels(agent.AgentId).Set(load);
                agentSlots.WithLabels(agent.AgentId).Set(room);
                var performance = placement.PerformanceOf(agent.AgentId);
                if (performance.Completed + performance.Failed > 0)
                    completion.WithLabels(agent.AgentId).Set((double)performance.Completed / (performance.Completed + performance.Failed));
                if (performance.Completed > 0)
                    meanDuration.WithLabels(agent.AgentId).Set(performance.MeanDurationMs / 1000);
                loads.Add((double)load / Math.Max(1, room));
                busy += load;
                slots += room;
            }
            utilisation.Set(slots == 0 ? 0 : (double)busy / slots);
            balance.Set(Coordination.JainIndex(loads) ?? 1);
            if (scaling.Enabled)
            {
                var view = await scaling.ViewAsync(cancellationToken);
                fleet.WithLabels("current").Set(view.Current);
                fleet.WithLabels("desired").Set(view.Desired);
            }
            submitted.IncTo(demand.AcceptedCount);
            var (detected, falsePositives, undetected) = recovery.Counts();
            failures.IncTo(detected);
            falseAlarms.IncTo(falsePositives);
            missed.IncTo(undetected);
            precision.Set(RecoveryMetrics.Precision(detected, falsePositives) ?? 1);
            recall.Set(RecoveryMetrics.Recall(detected, falsePositives, undetected) ?? 1);
            lag.Set(health.LagSeconds);
        });
    }

    void OnFinished(FinishedAttempt finished)
    {
        var outcome = finished.Succeeded ? "completed" : "failed";
        _attempts.WithLabels(outcome).Inc();
        (finished.Succeeded ? _agentCompleted : _agentFailed).WithLabels(finished.AgentId).Inc();
        _duration.WithLabels(outcome).Observe(finished.DurationMs / 1000);
        if (finished.Succeeded && finished.SubmittedAt is { } submitted)
            _endToEnd.Observe(Math.Max(0, (DateTimeOffset.UtcNow - submitted).TotalSeconds));
    }

    void OnAssigned(InFlightTask task)
    {
        if (task.Attempt <= 1 && task.Task.SubmittedAt != default)
            _assignment.Observe(Math.Max(0, (task.AssignedAt - task.Task.SubmittedAt).TotalSeconds));
    }

    public void AlertRaised(string rule) => _alerts.WithLabels(rule).Inc();
}
