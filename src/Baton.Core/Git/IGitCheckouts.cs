namespace Baton.Core.Git;

/// <summary>A worktree switched to another branch in place (a reused agent's folder). Every call names the folder it works in (git -C DIR).</summary>
public interface IGitCheckouts
{
    /// <summary>
    /// Puts <paramref name="worktree"/> on a new <paramref name="branch"/> made from
    /// <paramref name="startPoint"/>, as a fresh worktree would be: local changes discarded and
    /// every untracked and ignored file removed (the caller saved what mattered first), so nothing
    /// of the branch it was on stays in the folder. The folder itself stays (an agent's working
    /// directory cannot follow a new one).
    /// </summary>
    void SwitchFresh(string worktree, string branch, string startPoint);
}
