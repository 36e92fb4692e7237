using System.Text.Json;
using Coordinator.AgentWorker.Sdk;
using Coordinator.AgentWorker.Sdk.Lifecycle;
using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Coordinator.UnitTests.AgentSdk;

/// <summary>The SDK's surface: handlers registered by task type, what the agent offers, and how a run reaches its handler.</summary>
public sealed class When_handlers_are_registered : IDisposable
{
    readonly string _work = Path.Combine(Path.GetTempPath(), "sdk-unit-" + Guid.NewGuid().ToString("N")[..8]);

    public sealed class Resize : TaskHandler<Resize.Input, Resize.Output>
    {
        public sealed class Input
        {
            public int Width { get; set; }
            public string? Name { get; set; }
        }

        public sealed record Output(int HalfWidth, string Name, int Attempt);

        protected override Task<Output> HandleAsync(Input input, TaskContext task, CancellationToken cancellationToken) =>
            Task.FromResult(new Output(input.Width / 2, input.Name ?? "none", task.Attempt));
    }

    public sealed class Disposing : ITaskHandler, IDisposable
    {
        public static int Disposed;

        public Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken) =>
            Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(new { type = task.TaskType }));

        public void Dispose() => Interlocked.Increment(ref Disposed);
    }

    IHost Agent(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? handlers = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:AgentId"] = "unit", ["Agent:WorkDirectory"] = _work });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddAgentWorker();
        handlers?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public void The_agent_offers_their_task_types_when_no_capabilities_are_configured()
    {
        using var host = Agent(handlers: s => s.AddTaskHandler<Resize>("resize-image").AddTaskHandler<Disposing>("thumbnail"));

        var registration = host.Services.GetRequiredService<AgentInstance>().Registration();

        Assert.Equal(["resize-image", "thumbnail"], registration.Capabilities);
    }

    [Fact]
    public void Configured_capabilities_are_offered_as_they_are()
    {
        using var host = Agent(new() { ["Agent:Capabilities"] = "resize-image, gpu" }, s => s.AddTaskHandler<Resize>("resize-image"));

        Assert.Equal(["resize-image", "gpu"], host.Services.GetRequiredService<AgentInstance>().Registration().Capabilities);
    }

    [Fact]
    public async Task An_agent_with_no_handler_and_no_capabilities_does_not_start_and_says_what_to_do()
    {
        using var host = Agent();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Agent:Capabilities: not set, and no task handler is registered", error.Message);
    }

    [Fact]
    public void A_second_handler_for_a_task_type_is_refused_whatever_its_case()
    {
        var services = new ServiceCollection().AddTaskHandler<Resize>("resize-image");

        var error = Assert.Throws<ArgumentException>(() => services.AddTaskHandler<Disposing>("Resize-Image"));

        Assert.Contains("task type 'Resize-Image' already has a handler (Resize); Disposing cannot serve it too", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" resize")]
    [InlineData("resize,crop")]
    [InlineData("a-task-type-that-is-much-longer-than-the-sixty-four-characters-allowed")]
    public void A_task_type_the_coordinator_would_refuse_is_refused_at_registration(string taskType)
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddTaskHandler<Resize>(taskType));

        Assert.Contains("is not a valid task type: use 1-64 characters, no comma, no leading or trailing space", error.Message);
    }

    [Fact]
    public void Adding_the_runtime_twice_adds_it_once()
    {
        var services = new ServiceCollection().AddAgentWorker();
        var count = services.Count;

        services.AddAgentWorker();

        Assert.Equal(count, services.Count);
    }

    [Fact]
    public async Task A_typed_handler_reads_its_payload_and_its_output_is_the_result_in_camel_case()
    {
        using var host = Agent(handlers: s => s.AddTaskHandler<Resize>("resize-image"));
        var (publisher, recorder) = RecordingPublisher.Create();

        await host.Services.GetRequiredService<TaskRunner>().RunAsync(
            new TaskRun("t1", "RESIZE-image", 2, JsonSerializer.SerializeToElement(new { width = 640, name = "cat.png" }), null), publisher,
            CancellationToken.None);

        var completed = Assert.Single(recorder.Published.OfType<TaskCompleted>());
        Assert.Equal("""{"halfWidth":320,"name":"cat.png","attempt":2}""", completed.Result!.Value.GetRawText());
    }

    [Fact]
    public async Task Each_run_gets_its_own_handler_which_is_disposed_after_it()
    {
        using var host = Agent(handlers: s => s.AddTaskHandler<Disposing>("thumbnail"));
        var (publisher, recorder) = RecordingPublisher.Create();
        var runner = host.Services.GetRequiredService<TaskRunner>();
        var before = Volatile.Read(ref Disposing.Disposed);

        await runner.RunAsync(new TaskRun("t1", "thumbnail", 1, null, null), publisher, CancellationToken.None);
        await runner.RunAsync(new TaskRun("t2", "thumbnail", 1, null, null), publisher, CancellationToken.None);

        Assert.Equal(2, recorder.Published.OfType<TaskCompleted>().Count());
        Assert.Equal(before + 2, Volatile.Read(ref Disposing.Disposed));
    }

    [Fact]
    public async Task A_task_type_with_no_handler_fails_naming_it()
    {
        using var host = Agent(handlers: s => s.AddTaskHandler<Resize>("resize-image"));
        var (publisher, recorder) = RecordingPublisher.Create();

        await host.Services.GetRequiredService<TaskRunner>().RunAsync(new TaskRun("t1", "crop", 1, null, null), publisher, CancellationToken.None);

        Assert.Equal("no handler for task type 'crop' on agent unit", Assert.Single(recorder.Published.OfType<TaskFailed>()).Error);
    }

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
