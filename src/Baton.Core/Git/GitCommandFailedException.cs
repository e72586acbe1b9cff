namespace Baton.Core.Git;

/// <summary>
/// A git command exited with an error: keeps its arguments, exit code and what git said, so a
/// caller can tell one refusal from another without parsing the message. Adapters throw it;
/// Core catches it where a refusal is expected (a branch that does not exist, a dirty worktree).
/// </summary>
public class GitCommandFailedException : BatonException
{
    public GitCommandFailedException(IReadOnlyList<string> arguments, int gitExitCode, string standardError, string? message = null)
        : base(message ?? $"git {string.Join(' ', arguments.Take(8))} failed ({gitExitCode}): {standardError.Trim()}")
    {
        Arguments = arguments;
        GitExitCode = gitExitCode;
        StandardError = standardError;
    }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>git's own exit code (not Baton's).</summary>
    public int GitExitCode { get; }

    public string StandardError { get; }
}
