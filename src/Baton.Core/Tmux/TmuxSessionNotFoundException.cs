namespace Baton.Core.Tmux;

/// <summary>The target session does not exist (any more).</summary>
public sealed class TmuxSessionNotFoundException : TmuxException
{
    public TmuxSessionNotFoundException(IReadOnlyList<string> arguments, int exitCode, string stderr)
        : base(arguments, exitCode, stderr)
    {
    }
}
