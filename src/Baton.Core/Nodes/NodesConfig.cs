namespace Baton.Core.Nodes;

/// <summary>The <c>nodes:</c> section: how long a node's lease holds unrenewed, and how often it renews.</summary>
public sealed record NodesConfig
{
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Zero: a third of <see cref="LeaseTtl"/>, so two beats can be missed before a lease expires.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.Zero;

    public TimeSpan EffectiveHeartbeat => Heartbeat > TimeSpan.Zero ? Heartbeat : LeaseTtl / 3;

    /// <summary>
    /// <c>nodes.remote</c>: the git remote every node's clone shares (null: not set). <c>none</c>:
    /// the nodes share this one repository and nothing is pushed or fetched.
    /// </summary>
    public string? Remote { get; init; }

    public const string NoRemote = "none";

    /// <summary>
    /// The remote a node pushes to and fetches from, or null for none: the one set, else
    /// <c>origin</c> on the shared store (each machine works in its own clone) and none on the
    /// embedded store (one repository, one loop: nothing changes unless asked).
    /// </summary>
    public string? EffectiveRemote(bool sharedStore) =>
        Remote == NoRemote ? null : Remote ?? (sharedStore ? "origin" : null);
}
