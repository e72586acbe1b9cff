using Baton.Core.Config;
using Baton.Core.Files;

namespace Baton.Core.Workspace;

/// <summary>The folder tickets' worktrees are made in (<c>workspace.base_dir</c>, or .baton/worktrees).</summary>
public static class WorktreeFolder
{
    /// <summary>Makes the folder if it is missing; one that cannot be made (a disk not mounted, no permission) is a user's error that names the setting.</summary>
    public static void Ensure(IFiles files, BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(paths);
        try
        {
            files.CreateDirectory(paths.WorktreesDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BatonException($"cannot make the worktrees folder {paths.WorktreesDir} (workspace.base_dir in {paths.ConfigFile}): {e.Message}");
        }
    }
}
