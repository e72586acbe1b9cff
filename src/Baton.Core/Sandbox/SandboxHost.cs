namespace Baton.Core.Sandbox;

/// <summary>
/// What this machine offers a sandbox: bubblewrap and whether it can make namespaces here (and
/// why not), and the system folders a sandbox sees read-only (a symbolic link such as merged-usr
/// <c>/bin -> usr/bin</c> is recreated as a link, not bound).
/// </summary>
public sealed record SandboxHost(bool Available, string? Bwrap, string? Version, string Reason)
{
    public IReadOnlyList<SystemEntry> System { get; init; } = [];
}

/// <summary>A system folder: bound read-only, or (<see cref="LinkTarget"/> set) made the same symbolic link.</summary>
public sealed record SystemEntry(string Path, string? LinkTarget);
