using Baton.Core.Dispatch;

namespace Baton.Core.Tests.Fakes;

/// <summary>The autopilot lock in memory: held by this "process" (pid 4242) or by another one the test names.</summary>
public sealed class FakeLock : IAutopilotLock
{
    public bool Held { get; private set; }

    /// <summary>A holder the test makes appear (or go) while a wait polls; evaluated on every probe.</summary>
    public Func<int?>? Other { get; set; }

    public List<int> Terminated { get; } = [];

    public string PidFile => "/repo/.baton/autopilot.pid";

    public IDisposable? TryAcquire()
    {
        if (Held || Other?.Invoke() is not null)
        {
            return null;
        }

        Held = true;
        return new Release(this);
    }

    public int? Holder() => Held ? 4242 : Other?.Invoke();

    public bool Terminate(int pid)
    {
        Terminated.Add(pid);
        return true;
    }

    private sealed class Release(FakeLock owner) : IDisposable
    {
        public void Dispose() => owner.Held = false;
    }
}
