using Coordinator.AgentWorker.Sdk;

namespace AgentWorker.Handlers;

/// <summary>
/// <c>sleep</c>: waits <c>{"ms": N}</c> (cancellable), returns <c>{"sleptMs": N}</c>. With
/// <c>"ignoreCancellation": true</c> it plays a badly written handler that never looks at its token.
/// </summary>
public sealed class SleepHandler(TimeProvider time) : TaskHandler<SleepHandler.Input, SleepHandler.Output>
{
    public sealed class Input
    {
        public int Ms { get; set; }
        public bool IgnoreCancellation { get; set; }
    }

    public sealed record Output(int SleptMs);

    protected override async Task<Output> HandleAsync(Input input, TaskContext task, CancellationToken cancellationToken)
    {
        var ms = input.Ms;
        if (ms < 0)
            throw new ArgumentException($"ms must not be negative, was {ms}");
        await Task.Delay(TimeSpan.FromMilliseconds(ms), time, input.IgnoreCancellation ? CancellationToken.None : cancellationToken);
        return new Output(ms);
    }
}
