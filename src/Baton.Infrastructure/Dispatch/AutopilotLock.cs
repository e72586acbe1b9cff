using System.Globalization;
using System.Runtime.InteropServices;
using Baton.Core.Config;

namespace Baton.Infrastructure.Dispatch;

/// <summary>
/// The single-instance lock of `baton up`: an exclusive flock on <c>.baton/locks/autopilot.lock</c>
/// (the kernel drops it when the holder dies, even by SIGKILL, so a crash never leaves it stuck),
/// and <c>.baton/autopilot.pid</c> saying who holds it, for `baton down`.
/// </summary>
public sealed class AutopilotLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _pidFile;

    private AutopilotLock(FileStream held, string pidFile)
    {
        _lock = held;
        _pidFile = pidFile;
    }

    public static string LockFile(BatonPaths paths) => Path.Combine(paths.LocksDir, "autopilot.lock");

    public static string PidFile(BatonPaths paths) => Path.Combine(paths.BatonDir, "autopilot.pid");

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static AutopilotLock? TryAcquire(BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Directory.CreateDirectory(paths.LocksDir);
        FileStream stream;
        try
        {
            stream = new FileStream(LockFile(paths), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return null;
        }

        var pidFile = PidFile(paths);
        File.WriteAllText(pidFile + ".tmp", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(pidFile + ".tmp", pidFile, overwrite: true);
        return new AutopilotLock(stream, pidFile);
    }

    /// <summary>The pid of the running autopilot, or null when none holds the lock.</summary>
    public static int? Holder(BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (!File.Exists(LockFile(paths)))
        {
            return null;
        }

        try
        {
            using var probe = new FileStream(LockFile(paths), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return null; // we got it: nobody holds it
        }
        catch (IOException)
        {
            return File.Exists(PidFile(paths)) && int.TryParse(File.ReadAllText(PidFile(paths)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : -1;
        }
    }

    /// <summary>Asks a process to stop (SIGTERM); false when it does not exist.</summary>
    public static bool Terminate(int pid) => pid > 0 && Kill(pid, 15) == 0;

    public void Dispose()
    {
        try
        {
            File.Delete(_pidFile);
        }
        catch (IOException)
        {
            // Harmless: the pid file only matters while the lock is held.
        }

        _lock.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
