namespace Baton.Core.Git;

/// <summary>What a checkout changed against a commit, uncommitted work included (a handoff packet's diff stat). Every call names the folder it works in (git -C DIR).</summary>
public interface IGitDiffs
{
    /// <summary>Added and deleted lines per file between <paramref name="baseRevision"/> and the working tree (tracked files; <c>git diff --numstat</c>).</summary>
    IReadOnlyList<Handoff.DiffStatLine> DiffStat(string dir, string baseRevision);

    /// <summary>Paths with staged, unstaged or untracked (not ignored) changes.</summary>
    IReadOnlyList<string> Uncommitted(string dir);
}
