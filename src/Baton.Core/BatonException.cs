namespace Baton.Core;

/// <summary>
/// An error the user can cause and fix. Its message is written for that user: what was wrong and
/// what to do. Everything else that is thrown is a bug.
/// </summary>
public class BatonException : Exception
{
    public const int FailureExitCode = 1;
    public const int UsageExitCode = 2;

    public BatonException(string message, int exitCode = FailureExitCode) : base(message)
    {
        ExitCode = exitCode;
    }

    public BatonException(string message, Exception inner, int exitCode = FailureExitCode) : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    public static BatonException Usage(string message) => new(message, UsageExitCode);
}
