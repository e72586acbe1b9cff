namespace Baton.Core.Tmux;

/// <summary>A tmux command failed; keeps the arguments and what tmux said.</summary>
public class TmuxException : BatonException
{
    public TmuxException(IReadOnlyList<string> arguments, int exitCode, string stderr)
        : base($"tmux {string.Join(' ', arguments.Take(6))} failed ({exitCode}): {stderr.Trim()}")
    {
        Arguments = arguments;
        TmuxExitCode = exitCode;
        StandardError = stderr;
    }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>tmux's own exit code (not Baton's).</summary>
    public int TmuxExitCode { get; }

    public string StandardError { get; }
}
