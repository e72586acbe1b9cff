namespace Baton.Core.Tickets;

/// <summary>What `baton feature init` found or made: each branch and whether it was created now.</summary>
public sealed record FeatureInitResult(string Feature, string BaseBranch, IReadOnlyList<(string Branch, bool Created)> Branches);
