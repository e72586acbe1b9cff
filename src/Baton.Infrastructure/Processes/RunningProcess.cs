using System.Diagnostics;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Processes;

/// <summary>
/// A started program Baton talks to while it runs (<see cref="IProcessRunner.Start"/>): raw
/// standard output for the caller to read, lines to its input, its standard error drained by a
/// thread of its own into a short tail (a full stderr pipe would stall the program).
/// </summary>
internal sealed class RunningProcess : IRunningProcess
{
    private const int ErrorTailChars = 4096;

    private readonly Process _process;
    private readonly System.Text.StringBuilder _error = new();
    private readonly Lock _inputLock = new();
    private bool _stopped;

    public RunningProcess(Process process)
    {
        _process = process;
        Id = process.Id;
        new Thread(DrainError) { IsBackground = true, Name = "baton-stderr-" + Id }.Start();
    }

    public int Id { get; }

    public Stream Output => _process.StandardOutput.BaseStream;

    public string ErrorTail
    {
        get
        {
            lock (_error)
            {
                return _error.ToString().Trim();
            }
        }
    }

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lock (_inputLock)
        {
            if (_stopped)
            {
                return;
            }

            try
            {
                _process.StandardInput.Write(line + "\n");
                _process.StandardInput.Flush();
            }
            catch (IOException)
            {
                // It ended: its output's end tells the reader.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Stop(TimeSpan grace)
    {
        lock (_inputLock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }

        try
        {
            if (!_process.WaitForExit(grace))
            {
                // This process alone, by the pid it was started with: never a name match.
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(grace);
            }
        }
        catch (InvalidOperationException)
        {
            // It had already ended.
        }
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(1));
        _process.Dispose();
    }

    private void DrainError()
    {
        try
        {
            var reader = _process.StandardError;
            var buffer = new char[1024];
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_error)
                {
                    _error.Append(buffer, 0, read);
                    if (_error.Length > ErrorTailChars)
                    {
                        _error.Remove(0, _error.Length - ErrorTailChars);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone.
        }
    }
}
