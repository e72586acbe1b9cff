namespace Baton.Core.Git;

/// <summary>Remotes: pushing a branch, a remote's URL. Every call names the folder it works in (git -C DIR).</summary>
public interface IGitRemote
{
    /// <summary>Pushes <paramref name="branch"/> to the same name on <paramref name="remote"/> (a pull request's head).</summary>
    void Push(string repo, string remote, string branch);

    /// <summary>The fetch URL of <paramref name="remote"/>, or null when there is no such remote.</summary>
    string? RemoteUrl(string repo, string remote);
}
