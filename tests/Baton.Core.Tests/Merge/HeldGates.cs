using System.Collections.Concurrent;
using Baton.Core.Processes;

namespace Baton.Core.Tests.Merge;

/// <summary>
/// A process runner for gate commands only: while <see cref="Hold"/> is set, each gate run waits
/// until the test finishes it (<see cref="Finish"/>), so a test can see which gates run at the same
/// time; otherwise it passes at once. Records the folder of every run, in order.
/// </summary>
public sealed class HeldGates : IProcessRunner
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<int>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _ran = new();

    public bool Hold { get; set; } = true;

    /// <summary>The folders gates ran in, in the order they started.</summary>
    public IReadOnlyList<string> Ran => [.. _ran];

    public ProcessResult Run(ProcessRequest request) => throw new InvalidOperationException("a gate runs asynchronously");

    public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dir = request.WorkingDirectory ?? throw new InvalidOperationException("a gate runs in a folder");
        var exit = 0;
        if (Hold)
        {
            var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _running[dir] = done;
            _ran.Enqueue(dir);
            StartedIn(dir).TrySetResult();
            exit = await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _ran.Enqueue(dir);
            StartedIn(dir).TrySetResult();
        }

        return new ProcessResult(exit, exit == 0 ? "1 passed\n" : "1 failed\n", "", TimeSpan.FromMilliseconds(1));
    }

    /// <summary>Completes once a gate started in <paramref name="dir"/> (failing the test after a minute instead of hanging it).</summary>
    public Task Started(string dir) => StartedIn(dir).Task.WaitAsync(TimeSpan.FromMinutes(1));

    /// <summary>Ends the gate running in <paramref name="dir"/> with <paramref name="exitCode"/>.</summary>
    public void Finish(string dir, int exitCode)
    {
        if (!_running.TryRemove(dir, out var run))
        {
            throw new InvalidOperationException($"no gate runs in {dir}");
        }

        _started.TryRemove(dir, out _);
        run.SetResult(exitCode);
    }

    public bool IsRunning(string dir) => _running.ContainsKey(dir);

    private TaskCompletionSource StartedIn(string dir) => _started.GetOrAdd(dir, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
