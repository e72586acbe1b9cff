namespace Baton.Core.Processes;

/// <summary>For the few places that must hand a command line to a shell (agent hook settings) or show one.</summary>
public static class Shell
{
    /// <summary>Single-quotes an argument for POSIX sh unless it is plainly safe.</summary>
    public static string Quote(string arg)
    {
        ArgumentNullException.ThrowIfNull(arg);
        return arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=:@,+".Contains(c, StringComparison.Ordinal))
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
