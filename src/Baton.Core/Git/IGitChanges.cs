namespace Baton.Core.Git;

/// <summary>Uncommitted changes in a checkout: are there any, and saving them without touching the checkout. Every call names the folder it works in (git -C DIR).</summary>
public interface IGitChanges
{
    /// <summary>True when the checkout has staged, unstaged or untracked (not ignored) changes.</summary>
    bool IsDirty(string dir);

    /// <summary>
    /// Saves every uncommitted change in <paramref name="dir"/> (untracked files included) as a
    /// commit whose parent is HEAD, on <paramref name="refName"/>, without touching the working
    /// tree, the index or the branch. Returns the commit, or null when there was nothing to save.
    /// </summary>
    string? SnapshotWip(string dir, string refName, string message);
}
