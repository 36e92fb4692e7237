using System.Text.Json;
using Coordinator.AgentWorker.Sdk;

namespace AgentWorker.Handlers;

/// <summary>
/// <c>steps</c>: a long task in <c>{"steps": N, "stepMs": M}</c> steps of M ms each. After each step it reports progress
/// and saves a checkpoint (the next step to run), so an attempt that follows a failed or killed one resumes where the last
/// checkpoint was. Returns <c>{"steps": N, "resumedFrom": K, "ran": N - K, "attempt": A}</c>: the steps this attempt ran.
/// With <c>"failAfter": F</c> an attempt that runs step F throws once it has saved that step's checkpoint (a handler that
/// fails midway); the retry resumes after it, so the task fails once.
/// </summary>
public sealed class StepsHandler(TimeProvider time) : ITaskHandler
{
    public sealed class Input
    {
        public int Steps { get; set; }
        public int StepMs { get; set; }
        public int? FailAfter { get; set; }
    }

    public sealed class Progress
    {
        public int Next { get; set; }
    }

    public async Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        var input = task.PayloadAs<Input>();
        if (input.Steps is < 0 or > 1_000_000 || input.StepMs < 0)
            throw new ArgumentException($"steps must be 0 to 1000000 and stepMs not negative, were {input.Steps} and {input.StepMs}");
        var resumedFrom = Math.Clamp(task.CheckpointAs<Progress>()?.Next ?? 0, 0, input.Steps);
        for (var step = resumedFrom; step < input.Steps; step++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(input.StepMs), time, cancellationToken);
            await task.SaveCheckpointAsync(new Progress { Next = step + 1 }, cancellationToken);
            task.ReportProgress(100.0 * (step + 1) / input.Steps, $"step {step + 1} of {input.Steps}");
            if (step + 1 == input.FailAfter)
                throw new InvalidOperationException($"failed on purpose after step {step + 1}, its checkpoint saved");
        }
        return JsonSerializer.SerializeToElement(new { steps = input.Steps, resumedFrom, ran = input.Steps - resumedFrom, attempt = task.Attempt });
    }
}
