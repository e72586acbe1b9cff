using Baton.Core.Agents;
using Baton.Core.Workers;

namespace Baton.Core.Monitoring;

/// <summary>
/// Decides a worker's state from an <see cref="Observation"/>, in order of precedence: the session or
/// process is gone or dead; the agent's own hook report; screen patterns (a change to idle only
/// once the screen has been still for the profile's debounce); otherwise the state stays.
/// Pure: no clock of its own, no I/O.
/// </summary>
public static class StateResolver
{
    public static StateDecision Decide(Worker worker, Observation seen, ScreenRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(rules);

        if (!worker.State.IsLive())
        {
            return Keep(worker);
        }

        // A headless agent paused at its rate limit has usually ended (its CLI gives up on a 429):
        // the pause, not the missing process, is what the autopilot acts on at the reset.
        if (worker.State == WorkerState.Paused && worker.Mode == WorkerMode.Headless)
        {
            return Keep(worker);
        }

        if (!seen.Present)
        {
            var what = worker.Mode == WorkerMode.Tmux ? $"tmux session '{worker.Session}' is gone" : $"process {worker.Pid} is gone";
            return Change(worker, WorkerState.Lost, $"liveness: {what} and Baton did not end it");
        }

        if (seen.Exited)
        {
            var code = seen.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
            return Change(worker, WorkerState.Exited, $"liveness: agent process exited with code {code}", seen.ExitCode);
        }

        // A paused agent sits at its usage-limit message until the autopilot resumes it: what its
        // screen says meanwhile (idle) must not end the pause.
        if (worker.State == WorkerState.Paused)
        {
            return Keep(worker);
        }

        // A hook is the agent telling us itself; it outranks anything read off the screen unless
        // the screen changed after the hook fired and shows a start-up dialog the hook cannot know.
        if (seen.Hook is not null && (worker.ObservedAt is null || seen.Hook.At >= worker.StateSince || seen.Screen?.State is null))
        {
            if (seen.Screen?.StartupRule is null)
            {
                // The change dates from the hook call, so a later screen reading cannot take it back.
                return seen.Hook.State == worker.State ? Keep(worker) : Change(worker, seen.Hook.State, seen.Hook.Evidence) with { Since = seen.Hook.At };
            }
        }

        if (seen.Screen?.State is { } screenState)
        {
            if (screenState == worker.State)
            {
                return Keep(worker);
            }

            if (screenState == WorkerState.Idle && seen.LastOutput is { } last)
            {
                // tmux reports activity in whole seconds: count the end of that second, so a
                // screen that printed 0.9 s ago is never taken as still.
                var stillFor = now - (last + TimeSpan.FromSeconds(1));
                if (stillFor < rules.IdleDebounce)
                {
                    return Keep(worker) with { Settling = true };
                }
            }

            return Change(worker, screenState, seen.Screen.Evidence);
        }

        return Keep(worker);
    }

    private static StateDecision Keep(Worker worker) => new(worker.State, worker.Evidence ?? "", Changed: false, worker.ExitCode);

    private static StateDecision Change(Worker worker, WorkerState state, string evidence, int? exitCode = null) =>
        new(state, evidence, Changed: state != worker.State, exitCode);
}
