namespace FileChecksums;

/// <summary>The payload of a <c>file-checksums</c> task: <c>{"directory": "/data/photos", "pattern": "*.jpg", "maxBytesPerSecond": 0}</c>.</summary>
public sealed class ChecksumRequest
{
    /// <summary>The directory whose files (and its subdirectories' files) are checksummed; it must exist on the agent.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Which file names count (<c>*</c>, <c>*.jpg</c>); all by default.</summary>
    public string Pattern { get; set; } = "*";

    /// <summary>Read no faster than this, so the agent does not starve the disk of other work; 0 (the default) for no limit.</summary>
    public long MaxBytesPerSecond { get; set; }
}
