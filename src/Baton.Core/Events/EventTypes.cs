namespace Baton.Core.Events;

public static class EventTypes
{
    public const string WorkerSpawned = "worker_spawned";
    public const string WorkerStartupAnswered = "worker_startup_answered";
    public const string WorkerReady = "worker_ready";
    public const string WorkerPromptSent = "worker_prompt_sent";
    public const string WorkerMessageSent = "worker_message_sent";
    public const string WorkerStateChanged = "worker_state_changed";
    public const string WorkerExitRequested = "worker_exit_requested";
    public const string WorkerExited = "worker_exited";
    public const string WorkerKilled = "worker_killed";
    public const string WorkerLost = "worker_lost";
    public const string WorkerSpawnFailed = "worker_spawn_failed";
}
