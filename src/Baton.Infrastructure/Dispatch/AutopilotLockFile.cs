using Baton.Core.Config;
using Baton.Core.Dispatch;

namespace Baton.Infrastructure.Dispatch;

/// <summary>The autopilot lock of one repository (<see cref="AutopilotLock"/>: an OFD record lock and a pid file) as Core's port.</summary>
public sealed class AutopilotLockFile : IAutopilotLock
{
    private readonly BatonPaths _paths;

    public AutopilotLockFile(BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = paths;
    }

    public string PidFile => AutopilotLock.PidFile(_paths);

    public IDisposable? TryAcquire() => AutopilotLock.TryAcquire(_paths);

    public int? Holder() => AutopilotLock.Holder(_paths);

    public bool Terminate(int pid) => AutopilotLock.Terminate(pid);
}
