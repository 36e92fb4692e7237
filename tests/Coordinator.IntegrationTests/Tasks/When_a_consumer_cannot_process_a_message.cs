using Coordinator.Contracts;
using Coordinator.IntegrationTests.Infrastructure;
using MassTransit;

namespace Coordinator.IntegrationTests.Tasks;

/// <summary>
/// Nothing on the task path fails silently: a message a coordinator consumer cannot process ends its task in a status with
/// the reason (ledger and event), never only in an _error queue while the ledger says Pending or Running.
/// </summary>
public sealed class When_a_consumer_cannot_process_a_message : IAsyncLifetime
{
    TestSystem _system = null!;
    TestBus _bus = null!;

    public async Task InitializeAsync()
    {
        _system = await TestSystem.StartAsync();
        _bus = await TestBus.StartAsync(_system.VirtualHost);
    }

    public async Task DisposeAsync()
    {
        await _bus.DisposeAsync();
        await _system.DisposeAsync();
    }

    [Fact]
    public async Task A_deadline_decades_away_is_no_trouble()
    {
        await _system.StartActiveAgentsAsync(("far", []));

        var id = await _system.Api.SubmitAsync(new { taskType = "echo", payload = "later", deadline = "2099-01-01T00:00:00Z" });

        Assert.Equal(1, (await _system.WaitForTaskAsync(id, "Completed")).Attempts);
        Assert.Equal(0, (await _system.Broker.GetQueueAsync(_system.VirtualHost, "coordinator.dispatch_error"))?.Messages ?? 0);
    }

    [Fact]
    public async Task A_dispatch_the_dispatcher_cannot_process_is_dead_lettered_with_the_reason()
    {
        await _system.StartActiveAgentsAsync(("worker", []));

        // A malformed message on the internal queue: no list of capabilities at all.
        await _bus.SendAsync(new Uri($"exchange:{EntityNames.DispatchQueue}"),
            new DispatchTask { TaskId = "broken-dispatch", TaskType = "echo", RequiredCapabilities = null!, Attempt = 1 });

        var task = await _system.WaitForTaskAsync("broken-dispatch", "DeadLettered");
        Assert.True(task.Reason?.Contains("the dispatcher could not process attempt 1: ArgumentNullException"), task.ToString());
        var served = await _system.Api.SubmitAsync(new { taskType = "echo", payload = "after" });
        await _system.WaitForTaskAsync(served, "Completed");
    }

    [Fact]
    public async Task A_result_with_an_absurd_duration_still_completes_its_task()
    {
        var agent = await FakeAgentAsync("absurd");
        var id = await _system.Api.SubmitAsync(new { taskType = "echo", payload = 1 });
        var assigned = await agent.Assignments.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await _bus.PublishAsync(new TaskCompleted
        {
            TaskId = id, AgentId = "absurd", Attempt = assigned.Attempt, DurationMs = 1e300, Timestamp = DateTimeOffset.UtcNow,
        });

        Assert.Equal("absurd", (await _system.WaitForTaskAsync(id, "Completed")).AgentId);
    }

    [Fact]
    public async Task A_completion_whose_processing_faulted_is_recorded_and_its_slot_freed()
    {
        var agent = await FakeAgentAsync("faulty");
        var id = await _system.Api.SubmitAsync(new { taskType = "echo", payload = 2 });
        var assigned = await agent.Assignments.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _system.WaitForTaskAsync(id, "Assigned");

        // As MassTransit publishes it when the completion consumer throws.
        await _bus.PublishFaultAsync(new TaskCompleted { TaskId = id, AgentId = "faulty", Attempt = assigned.Attempt, Timestamp = DateTimeOffset.UtcNow },
            new InvalidOperationException("boom"));

        var task = await _system.WaitForTaskAsync(id, "Completed");
        Assert.True(task.Reason?.Contains("the report could not be fully processed: InvalidOperationException: boom"), task.ToString());
        var load = (await _system.Api.MetricsAsync()).GetProperty("load").EnumerateArray().Single(a => a.GetProperty("agentId").GetString() == "faulty");
        Assert.Equal(0, load.GetProperty("inFlight").GetInt32());
    }

    [Fact]
    public async Task A_submission_intake_could_not_process_is_rejected_with_the_reason()
    {
        var events = "test-task-events";
        await _system.Broker.DeclareQueueAsync(_system.VirtualHost, events);
        await _system.Broker.BindQueueAsync(_system.VirtualHost, EntityNames.TaskEvents, events);

        await _bus.PublishFaultAsync(new SubmitTask { TaskId = "broken-submission", TaskType = "echo" },
            new TimeoutException("the database went away"));

        var task = await _system.WaitForTaskAsync("broken-submission", "Rejected");
        Assert.True(task.Reason?.Contains("could not process this submission: TimeoutException: the database went away"), task.ToString());
        await Eventually.Until(async () => await _system.Broker.GetMessagesAsync(_system.VirtualHost, events),
            m => m.Any(x => x.Payload.Contains("TaskRejected") && x.Payload.Contains("broken-submission")), TimeSpan.FromSeconds(10),
            "TaskRejected published");
    }

    /// <summary>An agent played by the test bus: registered, heartbeating, and keeping what is assigned to it.</summary>
    async Task<FakeAgent> FakeAgentAsync(string agentId)
    {
        var agent = new FakeAgent();
        var registration = TestBus.Registration(agentId) with { Capabilities = ["echo"] };
        await _bus.ConsumeAgentQueueAsync(agentId, message =>
        {
            agent.Assignments.TrySetResult(message);
            return Task.CompletedTask;
        });
        var answer = await _bus.RegisterAsync(registration);
        Assert.True(answer.Is(out Response<AgentRegistered>? _));
        await _system.WaitForStateAsync(agentId, "Active");
        _ = Task.Run(async () =>
        {
            for (var i = 0; i < 120 && !agent.Stop.IsCancellationRequested; i++)
            {
                await _bus.SendToCoordinatorAsync(new AgentHeartbeat
                {
                    AgentId = agentId, InstanceId = registration.InstanceId, Timestamp = DateTimeOffset.UtcNow,
                    Health = new AgentHealthCheck { LastHeartbeat = DateTimeOffset.UtcNow },
                });
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        });
        return agent;
    }

    sealed class FakeAgent
    {
        public TaskCompletionSource<AssignTask> Assignments { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationTokenSource Stop { get; } = new();
    }
}
