namespace Baton.Core.Git;

/// <summary>What changed between two commits: per-file line counts and the patch, cut at a size. Every call names the repository (git -C DIR).</summary>
public interface IGitPatches
{
    /// <param name="from">The older revision (a commit, or <c>SHA^1</c> for a merge's first parent).</param>
    /// <param name="maxPatchChars">The most of the patch returned; the rest is cut (<see cref="GitPatch.Truncated"/>).</param>
    GitPatch Patch(string repo, string from, string to, int maxPatchChars);
}

/// <summary>A diff: per-file counts (<c>--numstat</c>), the patch text up to a size, and whether it was cut.</summary>
public sealed record GitPatch(IReadOnlyList<Handoff.DiffStatLine> Stat, string Text, bool Truncated, int FullLength);
