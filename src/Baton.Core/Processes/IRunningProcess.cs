namespace Baton.Core.Processes;

/// <summary>
/// A program that keeps running while Baton talks to it (tmux in control mode): raw bytes out,
/// lines in. Disposing it closes its input and, if it has not ended within a bounded wait,
/// kills it by its own pid (never by name).
/// </summary>
public interface IRunningProcess : IDisposable
{
    /// <summary>The operating system's process id.</summary>
    int Id { get; }

    /// <summary>Its standard output as bytes, undecoded (a multibyte character may be split anywhere).</summary>
    Stream Output { get; }

    /// <summary>Writes one line (a newline is added) to its standard input and flushes it.</summary>
    void WriteLine(string line);

    /// <summary>The last few KiB of its standard error, for an error message.</summary>
    string ErrorTail { get; }

    /// <summary>True once it has exited.</summary>
    bool HasExited { get; }

    /// <summary>Closes its input, waits up to <paramref name="grace"/> for it to end, then kills it (this process only).</summary>
    void Stop(TimeSpan grace);
}
