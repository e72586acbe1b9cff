using System.Diagnostics;
using Baton.Core;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Processes;

/// <summary>
/// Runs a program with an argument list (no shell) and collects its output. Uses
/// <see cref="Process"/> directly: it sits on hot paths (`baton list` calls tmux), where every
/// millisecond of start-up counts.
/// </summary>
public sealed class ProcessRunner : IProcessRunner
{
    /// <summary>Where each process run is recorded (<c>BATON_TRACE</c>); null: nowhere.</summary>
    public ProcessTrace? Trace { get; init; }

    public ProcessResult Run(ProcessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        using var process = Start(request);
        return Traced(request, started, Collect(process, request, watch, CancellationToken.None));
    }

    private ProcessResult Traced(ProcessRequest request, DateTime started, ProcessResult result)
    {
        Trace?.Record(request, started, result.Elapsed);
        return result;
    }

    public Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            // In the task, not thrown at the caller: an awaiter sees the same failure either way.
            return Task.FromCanceled<ProcessResult>(cancellationToken);
        }

        // The wait runs on a thread of its own (plain threads read the pipes, see Collect), so the
        // caller's thread is free and a cancellation kills the tree at once.
        return Task.Factory.StartNew(
            () =>
            {
                var started = DateTime.UtcNow;
                var watch = Stopwatch.StartNew();
                using var process = Start(request);
                return Traced(request, started, Collect(process, request, watch, cancellationToken));
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>A program that keeps running: its input stays open for <see cref="IRunningProcess.WriteLine"/>.</summary>
    IRunningProcess IProcessRunner.Start(ProcessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new RunningProcess(Start(request with { InheritTerminal = false }));
    }

    private static Process Start(ProcessRequest request)
    {
        var info = new ProcessStartInfo(request.File)
        {
            RedirectStandardOutput = !request.InheritTerminal,
            RedirectStandardError = !request.InheritTerminal,
            RedirectStandardInput = !request.InheritTerminal,
            UseShellExecute = false,
            WorkingDirectory = request.WorkingDirectory ?? "",
        };
        foreach (var arg in request.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        if (request.Environment is not null)
        {
            foreach (var (key, value) in request.Environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new ProcessStartFailedException(request.File, e.Message);
        }

        return process;
    }

    private static ProcessResult Collect(Process process, ProcessRequest request, Stopwatch watch, CancellationToken cancellationToken)
    {
        if (request.InheritTerminal)
        {
            return Wait(process, request, watch, cancellationToken);
        }

        // Read both streams at once: a child that fills one pipe while we wait on the other
        // deadlocks. Plain threads, not async reads: those start the socket event
        // engine and its threads, a few milliseconds that `baton list` pays on every call.
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var callbackFailed = new CallbackFailure();
        var outputReader = new Thread(() => Drain(process.StandardOutput, request.CaptureOutput ? stdout : null, request.OnOutputLine, callbackFailed)) { IsBackground = true };
        var errorReader = new Thread(() => Drain(process.StandardError, request.CaptureOutput ? stderr : null, request.OnErrorLine, callbackFailed)) { IsBackground = true };
        outputReader.Start();
        errorReader.Start();
        try
        {
            if (request.StandardInput is not null)
            {
                process.StandardInput.Write(request.StandardInput);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited without reading its input: its exit code tells the rest.
        }

        bool exited;
        using (cancellationToken.Register(() => KillTree(process)))
        {
            exited = process.WaitForExit(request.Timeout);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            process.WaitForExit(ReaderGrace);
            throw new OperationCanceledException($"'{request.File}' was stopped", cancellationToken);
        }

        if (!exited)
        {
            KillTree(process);
            throw new ProcessTimedOutException(request.File, request.Timeout);
        }

        process.WaitForExit();

        // A child the command left running in the background (a test server, a build daemon)
        // keeps the pipes open: what it wrote so far is enough, the wait must not be endless.
        outputReader.Join(ReaderGrace);
        errorReader.Join(ReaderGrace);

        // A line callback that threw (a full disk under the caller's log) must not take the whole
        // process down from a reader thread: the command ran to its end, the caller hears of it here.
        callbackFailed.ThrowIfAny();
        return new ProcessResult(process.ExitCode, Text(stdout), Text(stderr), watch.Elapsed);
    }

    /// <summary>The first exception a line callback threw, kept by the reader threads for the caller.</summary>
    private sealed class CallbackFailure
    {
        private Exception? _first;

        public void Keep(Exception e) => Interlocked.CompareExchange(ref _first, e, null);

        public void ThrowIfAny()
        {
            if (Volatile.Read(ref _first) is { } e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            }
        }
    }

    private static readonly TimeSpan ReaderGrace = TimeSpan.FromSeconds(5);

    /// <summary>A program on this terminal: nothing to read or write, only its end (or a cancel, or the timeout) to wait for.</summary>
    private static ProcessResult Wait(Process process, ProcessRequest request, Stopwatch watch, CancellationToken cancellationToken)
    {
        bool exited;
        using (cancellationToken.Register(() => KillTree(process)))
        {
            exited = process.WaitForExit(request.Timeout);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!exited)
        {
            KillTree(process);
            throw new ProcessTimedOutException(request.File, request.Timeout);
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, "", "", watch.Elapsed);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended between the decision and the kill.
        }
        catch (AggregateException)
        {
            // A descendant could not be signalled (it changed user, or ended meanwhile). This runs
            // inside the token's callback: throwing here would fail the caller's Cancel() instead.
        }
    }

    /// <summary>
    /// Reads a stream to its end into <paramref name="into"/> (which the caller may read under its
    /// lock before the end comes) and, when asked, hands each complete line to <paramref name="onLine"/>.
    /// </summary>
    private static void Drain(StreamReader reader, System.Text.StringBuilder? into, Action<string>? onLine, CallbackFailure failed)
    {
        if (onLine is not null)
        {
            while (reader.ReadLine() is { } line)
            {
                if (into is not null)
                {
                    lock (into)
                    {
                        into.Append(line).Append('\n');
                    }
                }

                try
                {
                    onLine(line);
                }
                catch (Exception e)
                {
                    failed.Keep(e); // the stream is still read to its end, so the child never blocks on a full pipe
                }
            }

            return;
        }

        var buffer = new char[4096];
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (into is null)
            {
                continue;
            }

            lock (into)
            {
                into.Append(buffer, 0, n);
            }
        }
    }

    private static string Text(System.Text.StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }
}
