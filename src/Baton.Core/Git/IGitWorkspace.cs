namespace Baton.Core.Git;

/// <summary>What Baton sets up in a worker's git checkout, through git's own CLI.</summary>
public interface IGitWorkspace
{
    /// <summary>
    /// Adds <paramref name="pattern"/> to the local exclude file of the checkout holding
    /// <paramref name="directory"/>, unless a line already covers it (the same pattern, or it without
    /// its leading or trailing '/'). True when the line was added; false when it was there or outside git.
    /// </summary>
    bool Exclude(string directory, string pattern);

    /// <summary>Removes exactly the line <paramref name="pattern"/> from the checkout's local exclude file; true when it was there.</summary>
    bool Unexclude(string directory, string pattern);

    /// <summary>
    /// Installs Baton's guard hooks (pre-commit, pre-push, reference-transaction) in the hooks folder
    /// of the checkout holding <paramref name="directory"/>. They call `baton guard` and do nothing for
    /// anyone who is not a guarded Baton worker; a hook the repository already had still runs first.
    /// Returns the hooks folder, or null outside git.
    /// </summary>
    string? InstallGuards(string directory, IReadOnlyList<string> baton);

    /// <summary>
    /// The git folders of the checkout holding <paramref name="directory"/>: its own (a linked
    /// worktree's index and HEAD) and the common one (objects, refs), the same folder in a main
    /// checkout. An agent must be able to write both to commit. Null outside git.
    /// </summary>
    (string Own, string Common)? GitFolders(string directory);
}
