namespace Baton.Core.Processes;

/// <summary>What to run: a file and its arguments (no shell), where, with what, for how long.</summary>
public sealed record ProcessRequest(string File, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Written to the child's standard input, which is then closed; null closes it at once.</summary>
    public string? StandardInput { get; init; }

    /// <summary><see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none (a supervised agent).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called with each line of standard output as it arrives (no newline), on a reader thread.</summary>
    public Action<string>? OnOutputLine { get; init; }

    /// <summary>Called with each line of standard error as it arrives (no newline), on a reader thread.</summary>
    public Action<string>? OnErrorLine { get; init; }

    /// <summary>False: output goes only to the line callbacks, the result's text stays empty (long-running streams).</summary>
    public bool CaptureOutput { get; init; } = true;

    /// <summary>
    /// True: the program shares this process's terminal (standard input, output and error are not
    /// redirected; `tmux attach`, a live view). Input, callbacks and capture do not apply.
    /// </summary>
    public bool InheritTerminal { get; init; }
}
