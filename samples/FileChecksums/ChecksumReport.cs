namespace FileChecksums;

/// <summary>
/// The result of a <c>file-checksums</c> task: every file's checksum in path order, how many files and bytes, how many of the
/// files an earlier attempt had done (from its checkpoint), and which attempt finished.
/// </summary>
public sealed record ChecksumReport(string Directory, int Files, long Bytes, IReadOnlyList<FileChecksum> Checksums, int Resumed, int Attempt);
