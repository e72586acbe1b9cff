namespace Baton.Core.Processes;

/// <summary>
/// The one seam through which Baton starts external commands: a file and an argument list, never a
/// shell string. <see cref="RunAsync"/> is the general form (cancellation kills the whole process
/// tree; output can be streamed line by line); <see cref="Run"/> is the synchronous form for hot
/// paths (`baton list` calls tmux), which must not start the async I/O machinery.
/// </summary>
public interface IProcessRunner
{
    /// <summary>Runs to the end or the timeout (then the tree is killed and <see cref="ProcessTimedOutException"/> thrown).</summary>
    ProcessResult Run(ProcessRequest request);

    /// <summary>
    /// Runs to the end, the timeout, or <paramref name="cancellationToken"/>: on cancellation the
    /// process and all its children are killed and <see cref="OperationCanceledException"/> thrown.
    /// </summary>
    Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken);
}
