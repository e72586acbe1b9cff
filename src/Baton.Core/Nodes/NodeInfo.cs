namespace Baton.Core.Nodes;

/// <summary>A node as the store knows it: what it can run, and when it last said it was alive.</summary>
public sealed record NodeInfo
{
    public required string Name { get; init; }

    public required string Host { get; init; }

    public int Pid { get; init; }

    public int Capacity { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The node's lease_ttl: without a heartbeat for that long it is lost.</summary>
    public TimeSpan LeaseTtl { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>When it stopped cleanly; null while it runs (or since it was lost).</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>running, stopped, or lost (no heartbeat within its lease_ttl).</summary>
    public string Status(DateTimeOffset now) =>
        StoppedAt is not null ? "stopped" : HeartbeatAt + LeaseTtl < now ? "lost" : "running";
}
