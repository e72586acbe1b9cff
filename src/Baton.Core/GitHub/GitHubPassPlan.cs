namespace Baton.Core.GitHub;

/// <summary>
/// What one background GitHub pass does, decided on the loop thread: branches to push again (a
/// ticket back in review after changes were requested), pull requests to open, whether to follow
/// open pull requests and import labelled issues (a poll), whether to write issue state back.
/// <see cref="Delivered"/> are reviews already sent to agents (a copy: the pass only reads it).
/// </summary>
public sealed record GitHubPassPlan(
    IReadOnlyList<long> Push,
    IReadOnlyList<long> Open,
    bool Follow,
    bool Import,
    bool Sync,
    IReadOnlySet<long> Delivered)
{
    public bool IsEmpty => Push.Count == 0 && Open.Count == 0 && !Follow && !Import && !Sync;
}
