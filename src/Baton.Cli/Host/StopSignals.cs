using System.Runtime.InteropServices;

namespace Baton.Cli.Host;

/// <summary>
/// SIGTERM (`baton down`) and Ctrl-C as a cancellation token, so the autopilot ends after its
/// current tick and records the stop; the process is not torn down under it. Disposing restores
/// the default handling.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly PosixSignalRegistration _onTerm;
    private readonly PosixSignalRegistration _onInt;

    public StopSignals(CancellationToken stop)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    }

    /// <summary>Cancelled by either signal or by the token given.</summary>
    public CancellationToken Token => _stopping.Token;

    private void Stop(PosixSignalContext signal)
    {
        signal.Cancel = true;
        _stopping.Cancel();
    }

    public void Dispose()
    {
        _onTerm.Dispose();
        _onInt.Dispose();
        _stopping.Dispose();
    }
}
