namespace Baton.Core.Processes;

/// <summary>The one seam through which Baton starts external commands: a file and an argument list, never a shell string.</summary>
public interface IProcessRunner
{
    ProcessResult Run(ProcessRequest request);
}

public sealed record ProcessRequest(string File, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
    public string? StandardInput { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed);
