using Baton.Core.Agents;
using Baton.Core.Workers;

namespace Baton.Core.Monitoring;

/// <summary>What the agent itself last reported through a hook or its event stream.</summary>
public sealed record HookSignal(WorkerState State, DateTimeOffset At, string Evidence);

/// <summary>
/// Everything known about one worker at one moment, from the strongest evidence to the weakest:
/// is the session or process there at all; did the agent report through a hook; what does the
/// screen say; when did the pane last print anything.
/// </summary>
public sealed record Observation
{
    /// <summary>False when the tmux session or headless process is gone.</summary>
    public required bool Present { get; init; }

    /// <summary>The agent's process ended (a dead pane kept by remain-on-exit, or a headless exit).</summary>
    public bool Exited { get; init; }

    public int? ExitCode { get; init; }
    public HookSignal? Hook { get; init; }
    public ScreenVerdict? Screen { get; init; }

    /// <summary>When the pane last printed something (tmux window activity, one-second resolution).</summary>
    public DateTimeOffset? LastOutput { get; init; }
}

/// <summary>
/// The state a worker should move to and why; <see cref="Changed"/> is false when it stays.
/// <see cref="Settling"/> says the screen shows a new state that is not yet trusted (idle while
/// the screen still moves), so the worker must be looked at again even if nothing prints.
/// </summary>
public sealed record StateDecision(WorkerState State, string Evidence, bool Changed, int? ExitCode = null, bool Settling = false, DateTimeOffset? Since = null);
