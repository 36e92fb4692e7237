using System.Security.Cryptography;
using System.Text.Json;
using Coordinator.AgentWorker.Sdk;

namespace AgentWorker.Handlers;

/// <summary><c>compute</c>: <c>{"iterations": N}</c> rounds of SHA-256, starting from the digest of the task id; returns the final hex digest.</summary>
public sealed class ComputeHandler : ITaskHandler
{
    public sealed class Input
    {
        public long Iterations { get; set; }
    }

    public string TaskType => "compute";

    public Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        var iterations = task.PayloadAs<Input>().Iterations;
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
        return Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(new { iterations, digest = Convert.ToHexStringLower(digest) }));
    }
}
