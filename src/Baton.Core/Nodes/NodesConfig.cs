namespace Baton.Core.Nodes;

/// <summary>The <c>nodes:</c> section: how long a node's lease holds unrenewed, and how often it renews.</summary>
public sealed record NodesConfig
{
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Zero: a third of <see cref="LeaseTtl"/>, so two beats can be missed before a lease expires.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.Zero;

    public TimeSpan EffectiveHeartbeat => Heartbeat > TimeSpan.Zero ? Heartbeat : LeaseTtl / 3;
}
