namespace Baton.Core.Workers;

public enum WorkerState
{
    Starting,
    Idle,
    Busy,
    Waiting,

    /// <summary>The agent hit its usage limit; the autopilot resumes it when the limit resets.</summary>
    Paused,
    Exited,
    Lost,
    Killed,
}

public static class WorkerStates
{
    public static string ToText(this WorkerState state) => state switch
    {
        WorkerState.Starting => "starting",
        WorkerState.Idle => "idle",
        WorkerState.Busy => "busy",
        WorkerState.Waiting => "waiting",
        WorkerState.Paused => "paused",
        WorkerState.Exited => "exited",
        WorkerState.Lost => "lost",
        WorkerState.Killed => "killed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static WorkerState Parse(string text) => text switch
    {
        "starting" => WorkerState.Starting,
        "idle" => WorkerState.Idle,
        "busy" => WorkerState.Busy,
        "waiting" => WorkerState.Waiting,
        "paused" => WorkerState.Paused,
        "exited" => WorkerState.Exited,
        "lost" => WorkerState.Lost,
        "killed" => WorkerState.Killed,
        _ => throw new FormatException($"unknown worker state '{text}'"),
    };

    /// <summary>Live workers still own a session or process that Baton must look after.</summary>
    public static bool IsLive(this WorkerState state) =>
        state is WorkerState.Starting or WorkerState.Idle or WorkerState.Busy or WorkerState.Waiting or WorkerState.Paused;
}
