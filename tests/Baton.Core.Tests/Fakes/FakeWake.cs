using Baton.Core.Dispatch;

namespace Baton.Core.Tests.Fakes;

/// <summary>A wake source the test fires by hand: a write to the store's files, or a hook spooled.</summary>
public sealed class FakeWake : IAutopilotWake
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WakeMark Mark { get; private set; }

    public bool Disposed { get; private set; }

    public void StoreWritten() => Fire(Mark with { Store = Mark.Store + 1 });

    public void HookSpooled() => Fire(Mark with { Hooks = Mark.Hooks + 1 });

    public Task NextAsync(WakeMark since, CancellationToken ct) => Mark != since ? Task.CompletedTask : _next.Task.WaitAsync(ct);

    public void Dispose() => Disposed = true;

    private void Fire(WakeMark mark)
    {
        Mark = mark;
        var woken = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.SetResult();
    }
}
