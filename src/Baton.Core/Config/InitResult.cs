namespace Baton.Core.Config;

/// <summary>What `baton init` did: the repository, whether the store is new, and what it wrote (relative paths, in order).</summary>
public sealed record InitResult(string Root, BatonPaths Paths, bool Created, IReadOnlyList<string> Written);
