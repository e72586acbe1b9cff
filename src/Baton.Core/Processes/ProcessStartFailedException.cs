namespace Baton.Core.Processes;

/// <summary>A program could not be started at all (not installed, not executable).</summary>
public sealed class ProcessStartFailedException : BatonException
{
    public ProcessStartFailedException(string file, string reason)
        : base($"could not run '{file}': {reason}; is it installed and on PATH?")
    {
        File = file;
    }

    public string File { get; }
}
