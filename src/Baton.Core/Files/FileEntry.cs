namespace Baton.Core.Files;

/// <summary>One file of a folder listing: its full path, its name, and when it was last written.</summary>
public sealed record FileEntry(string Path, string Name, DateTimeOffset LastWriteUtc);
