namespace Baton.Infrastructure.Tmux;

/// <summary>A tmux command failed; keeps the arguments and what tmux said.</summary>
public class TmuxException : Baton.Core.BatonException
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

/// <summary>The target session does not exist (any more).</summary>
public sealed class TmuxSessionNotFoundException : TmuxException
{
    public TmuxSessionNotFoundException(IReadOnlyList<string> arguments, int exitCode, string stderr)
        : base(arguments, exitCode, stderr)
    {
    }
}
