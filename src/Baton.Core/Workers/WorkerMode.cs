namespace Baton.Core.Workers;

public enum WorkerMode
{
    /// <summary>An interactive agent in its own tmux session.</summary>
    Tmux,

    /// <summary>The agent's non-interactive mode as a child process writing to a log file.</summary>
    Headless,
}
