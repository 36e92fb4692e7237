using System.Security.Cryptography;
using Coordinator.AgentWorker.Sdk;

namespace AgentWorker.Handlers;

/// <summary><c>compute</c>: <c>{"iterations": N}</c> rounds of SHA-256, starting from the digest of the task id; returns the final hex digest.</summary>
public sealed class ComputeHandler : TaskHandler<ComputeHandler.Input, ComputeHandler.Output>
{
    public sealed class Input
    {
        public long Iterations { get; set; }
    }

    public sealed record Output(long Iterations, string Digest);

    protected override Task<Output> HandleAsync(Input input, TaskContext task, CancellationToken cancellationToken)
    {
        var iterations = input.Iterations;
        if (iterations < 0)
            throw new ArgumentException($"iterations must not be negative, was {iterations}");
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(task.TaskId), digest);
        for (long i = 0; i < iterations; i++)
        {
            SHA256.HashData(digest, digest);
            if ((i & 0xFFFF) == 0)
                cancellationToken.ThrowIfCancellationRequested();
        }
        return Task.FromResult(new Output(iterations, Convert.ToHexStringLower(digest)));
    }
}
