namespace Baton.Core.Dispatch;

/// <summary>The single-instance lock of `baton up` on one repository, and the pid file beside it.</summary>
public interface IAutopilotLock
{
    /// <summary>Where the holder's pid is written (named in messages).</summary>
    string PidFile { get; }

    /// <summary>Takes the lock for this process and records its pid; null when another process holds it. Disposing releases it.</summary>
    IDisposable? TryAcquire();

    /// <summary>The holder's pid (-1 when its pid file does not say), or null when nobody holds the lock. Never takes the lock.</summary>
    int? Holder();

    /// <summary>Asks the process to stop (SIGTERM); false when it does not exist.</summary>
    bool Terminate(int pid);
}
