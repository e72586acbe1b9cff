namespace Baton.Core.Workers;

/// <summary>Starts and watches headless agents (child processes writing to a log file).</summary>
public interface IHeadlessHost
{
    /// <summary>Starts a supervisor that runs the agent, writes its output to the log and records its exit; returns the supervisor's pid.</summary>
    int Start(HeadlessLaunch launch);

    bool IsAlive(int pid);

    /// <summary>Asks the process group to stop (SIGTERM), then forces it (SIGKILL) after <paramref name="grace"/>.</summary>
    void Stop(int pid, TimeSpan grace);
}

public sealed record HeadlessLaunch(
    string Worker,
    IReadOnlyList<string> Command,
    string Directory,
    IReadOnlyDictionary<string, string> Environment,
    string LogPath);
