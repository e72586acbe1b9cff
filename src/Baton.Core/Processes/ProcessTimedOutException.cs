namespace Baton.Core.Processes;

/// <summary>A command did not finish within its timeout; it and its children were killed.</summary>
public sealed class ProcessTimedOutException : BatonException
{
    public ProcessTimedOutException(string file, TimeSpan timeout)
        : base($"'{file}' did not finish within {timeout.TotalSeconds:0.#}s")
    {
        File = file;
        Timeout = timeout;
    }

    public string File { get; }

    public TimeSpan Timeout { get; }
}
