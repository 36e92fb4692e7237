namespace FileChecksums;

/// <summary>One file's checksum: its path relative to the directory (with '/'), its size, and its SHA-256 in lower-case hex.</summary>
public sealed record FileChecksum(string Path, long Bytes, string Sha256);
