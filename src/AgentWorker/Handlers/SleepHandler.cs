using System.Text.Json;
using AgentWorker.Tasks;

namespace AgentWorker.Handlers;

/// <summary><c>sleep</c>: waits <c>{"ms": N}</c> (cancellable), returns <c>{"sleptMs": N}</c>.</summary>
public sealed class SleepHandler(TimeProvider time) : ITaskHandler
{
    public sealed class Input
    {
        public int Ms { get; set; }
    }

    public string TaskType => "sleep";

    public async Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        var ms = task.PayloadAs<Input>().Ms;
        if (ms < 0)
            throw new ArgumentException($"ms must not be negative, was {ms}");
        await Task.Delay(TimeSpan.FromMilliseconds(ms), time, cancellationToken);
        return JsonSerializer.SerializeToElement(new { sleptMs = ms });
    }
}
