using System.Security.Cryptography;
using Coordinator.AgentWorker.Sdk;

namespace FileChecksums;

/// <summary>
/// <c>file-checksums</c>: the SHA-256 of every file under a directory (see <see cref="ChecksumRequest"/>). After each file it
/// saves a checkpoint (the checksums so far) and reports progress, so a task moved to another agent, or retried, goes on
/// where the last attempt stopped instead of reading everything again. Honours cancellation between reads.
/// </summary>
public sealed class ChecksumFiles(TimeProvider time) : TaskHandler<ChecksumRequest, ChecksumReport>
{
    const int BufferSize = 64 * 1024;

    protected override async Task<ChecksumReport> HandleAsync(ChecksumRequest input, TaskContext task, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Directory) || !Directory.Exists(input.Directory))
            throw new DirectoryNotFoundException($"no directory '{input.Directory}' on this agent");
        if (input.MaxBytesPerSecond < 0)
            throw new ArgumentException($"maxBytesPerSecond must not be negative, was {input.MaxBytesPerSecond}");

        var root = Path.GetFullPath(input.Directory);
        var files = Directory.EnumerateFiles(root, string.IsNullOrEmpty(input.Pattern) ? "*" : input.Pattern,
                new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        // What an earlier attempt finished (nothing on a first attempt) is not read again.
        var done = (task.CheckpointAs<ChecksumCheckpoint>()?.Done ?? []).ToList();
        var resumed = done.Count;
        var finished = done.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var pace = new Pace(input.MaxBytesPerSecond, time);
        foreach (var file in files.Where(f => !finished.Contains(f)))
        {
            done.Add(await ChecksumAsync(root, file, pace, cancellationToken));
            await task.SaveCheckpointAsync(new ChecksumCheckpoint(done), cancellationToken);
            task.ReportProgress(100.0 * done.Count / Math.Max(files.Count, done.Count), $"{done.Count} of {files.Count} files");
        }

        var checksums = done.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        return new ChecksumReport(root, checksums.Count, checksums.Sum(f => f.Bytes), checksums, resumed, task.Attempt);
    }

    static async Task<FileChecksum> ChecksumAsync(string root, string file, Pace pace, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(Path.Combine(root, file), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long bytes = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            bytes += read;
            await pace.ReadAsync(read, cancellationToken);
        }
        return new FileChecksum(file, bytes, Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    /// <summary>Keeps reading at or below a rate: after each read, waits until the bytes read so far are due.</summary>
    sealed class Pace(long bytesPerSecond, TimeProvider time)
    {
        readonly long _started = time.GetTimestamp();
        long _bytes;

        public Task ReadAsync(int bytes, CancellationToken cancellationToken)
        {
            if (bytesPerSecond <= 0)
                return Task.CompletedTask;
            _bytes += bytes;
            var due = TimeSpan.FromSeconds((double)_bytes / bytesPerSecond) - time.GetElapsedTime(_started);
            return due > TimeSpan.Zero ? Task.Delay(due, time, cancellationToken) : Task.CompletedTask;
        }
    }
}
