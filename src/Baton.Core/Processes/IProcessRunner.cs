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

    /// <summary>
    /// Starts a program that keeps running (its timeout, capture and callbacks do not apply): the
    /// caller reads its output and writes its input, and disposes it. Runners that only run
    /// programs to their end (test doubles) say they cannot.
    /// </summary>
    IRunningProcess Start(ProcessRequest request) =>
        throw new NotSupportedException($"{GetType().Name} cannot start a long-running process ({request?.File})");
}
