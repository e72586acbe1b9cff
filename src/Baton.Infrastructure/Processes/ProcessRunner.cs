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
    public ProcessResult Run(ProcessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var info = new ProcessStartInfo(request.File)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
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

        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BatonException($"could not run '{request.File}': {e.Message}; is it installed and on PATH?");
        }

        // Read both streams at once: a child that fills one pipe while we wait on the other
        // deadlocks. Plain threads, not async reads: those start the socket event
        // engine and its threads, a few milliseconds that `baton list` pays on every call.
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var outputReader = new Thread(() => Drain(process.StandardOutput, stdout)) { IsBackground = true };
        var errorReader = new Thread(() => Drain(process.StandardError, stderr)) { IsBackground = true };
        outputReader.Start();
        errorReader.Start();
        if (request.StandardInput is not null)
        {
            process.StandardInput.Write(request.StandardInput);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(request.Timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended between the timeout and the kill.
            }

            throw new BatonException($"'{request.File}' did not finish within {request.Timeout.TotalSeconds:0.#}s");
        }

        process.WaitForExit();

        // A child the command left running in the background (a test server, a build daemon)
        // keeps the pipes open: what it wrote so far is enough, the wait must not be endless.
        outputReader.Join(ReaderGrace);
        errorReader.Join(ReaderGrace);
        return new ProcessResult(process.ExitCode, Text(stdout), Text(stderr), watch.Elapsed);
    }

    private static readonly TimeSpan ReaderGrace = TimeSpan.FromSeconds(5);

    /// <summary>Reads a stream to its end into <paramref name="into"/>, which the caller may read (under its lock) before the end comes.</summary>
    private static void Drain(StreamReader reader, System.Text.StringBuilder into)
    {
        var buffer = new char[4096];
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
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
