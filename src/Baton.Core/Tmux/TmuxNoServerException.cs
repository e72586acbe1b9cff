namespace Baton.Core.Tmux;

/// <summary>No tmux server runs on the socket (nothing was ever started there, or it exited).</summary>
public sealed class TmuxNoServerException : TmuxException
{
    public TmuxNoServerException(IReadOnlyList<string> arguments, int exitCode, string stderr)
        : base(arguments, exitCode, stderr)
    {
    }
}
