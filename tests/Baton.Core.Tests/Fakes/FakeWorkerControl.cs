using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// Running workers as the autopilot reaches them, in memory: what was typed to whom, which keys
/// were pressed, who was ended; a worker named in <see cref="Unreachable"/> refuses messages as a
/// vanished session would. Killing marks the worker killed in the store, as the real one does.
/// </summary>
public sealed class FakeWorkerControl : IWorkerControl
{
    private readonly List<(string Worker, string Message)> _sent = [];
    private readonly IStore? _store;
    private readonly TimeProvider _time;

    public FakeWorkerControl(TimeProvider time, IStore? store = null)
    {
        _time = time;
        _store = store;
    }

    public IReadOnlyList<(string Worker, string Message)> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public List<string> Killed { get; } = [];

    public List<(string Worker, string Keys)> Pressed { get; } = [];

    public List<string> Stopped { get; } = [];

    public HashSet<string> Unreachable { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Screens { get; } = new(StringComparer.Ordinal);

    public Task<TypingOutcome> SendAsync(string name, string message, CancellationToken ct)
    {
        if (Unreachable.Contains(name))
        {
            throw new BatonException($"worker '{name}' has no running agent (its session is gone or the agent exited): see `baton list`");
        }

        lock (_sent)
        {
            _sent.Add((name, message));
        }

        return Task.FromResult(new TypingOutcome(true, 1, 1, "submitted"));
    }

    public Task<KillOutcome> KillAsync(string name, CancellationToken ct)
    {
        Killed.Add(name);
        if (_store?.GetWorker(name) is { } w)
        {
            var now = _time.GetUtcNow();
            _store.UpdateWorkers([new(w with { State = WorkerState.Killed, Evidence = "kill: fake", StateSince = now, EndedAt = now }, null, w)]);
        }

        return Task.FromResult(new KillOutcome(name, "session killed", false));
    }

    public void PressKeys(Worker worker, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(worker);
        lock (Pressed)
        {
            Pressed.Add((worker.Name, string.Join(' ', keys)));
        }
    }

    public string Screen(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return Screens.TryGetValue(worker.Name, out var screen) ? screen : throw new BatonException($"no screen for {worker.Name}");
    }

    public void StopProcess(Worker worker, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Stopped.Add(worker.Name);
    }
}
