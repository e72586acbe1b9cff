namespace Baton.Core.Workers;

/// <summary>
/// What the autopilot does to a running worker: type to it, press keys, read its screen, end it.
/// <see cref="WorkerService"/> implements it over tmux and the headless host.
/// </summary>
public interface IWorkerControl
{
    /// <summary>Types a message to a live worker and submits it; a BatonException when it cannot be reached.</summary>
    Task<TypingOutcome> SendAsync(string name, string message, CancellationToken ct);

    /// <summary>Asks the agent to exit, then ends its session or process; a BatonException for an unknown worker.</summary>
    Task<KillOutcome> KillAsync(string name, CancellationToken ct);

    /// <summary>
    /// Ends a worker as the autopilot does once its work is over: waits up to
    /// <paramref name="turnWait"/> for the agent's turn to end (its Stop hook, or an idle screen),
    /// so the exit command is not typed into a running turn, then as <see cref="KillAsync"/>.
    /// </summary>
    Task<KillOutcome> EndAsync(string name, TimeSpan turnWait, CancellationToken ct) => KillAsync(name, ct);

    /// <summary>Presses named keys in the worker's session, holding its session lock (an answer to a question).</summary>
    void PressKeys(Worker worker, IReadOnlyList<string> keys);

    /// <summary>The visible screen of the worker's session; a BatonException when tmux cannot show it.</summary>
    string Screen(Worker worker);

    /// <summary>Stops a headless worker's process if it still runs (SIGTERM, then SIGKILL after <paramref name="grace"/>).</summary>
    void StopProcess(Worker worker, TimeSpan grace);
}
