namespace FileChecksums;

/// <summary>
/// What a <c>file-checksums</c> task has done so far: saved after each file, so an attempt that follows a failed, moved or
/// killed one checksums only the files not listed here. About 120 bytes a file: past a few hundred files a checkpoint
/// reaches Agent:MaxCheckpointBytes (64 KB), and a handler for huge directories would keep its results elsewhere and
/// checkpoint only how far it got.
/// </summary>
public sealed record ChecksumCheckpoint(IReadOnlyList<FileChecksum> Done);
