using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The one way a worker is paused at its usage limit, whoever noticed it: the supervisor from the
/// screen, or a headless agent's supervisor from a 429 in its event stream. The autopilot resumes
/// it at <see cref="Worker.PausedUntil"/> and holds its profile meanwhile (<see cref="Supervisor.PausedAgents"/>).
/// </summary>
public static class UsageLimitPause
{
    /// <summary>When the limit resets if the agent did not say: soon enough to try again, late enough not to hammer.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(15);

    /// <summary>Stores the worker as paused until <paramref name="until"/> (its event in the same transaction); false if the row moved meanwhile.</summary>
    public static bool Pause(IStore store, Worker worker, DateTimeOffset until, string evidence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(worker);
        var paused = worker with { State = WorkerState.Paused, PausedUntil = until, StateSince = now, Evidence = evidence };
        var keeps = worker.TicketId is { } id ? $"{id} keeps it; " : "";
        return store.UpdateWorkers([new(paused, WorkerEvents.For(worker, EventTypes.WorkerPaused,
            $"{worker.Name} reached its usage limit; paused until {until.ToLocalTime():HH:mm:ss} ({keeps}no new work for {worker.Agent}): {evidence}", now,
            new Dictionary<string, string>
            {
                ["agent"] = worker.Agent,
                ["until"] = until.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["evidence"] = evidence,
            }), worker)]) == 1;
    }
}
