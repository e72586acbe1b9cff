using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Baton.Core.Config;

namespace Baton.Infrastructure.Dispatch;

/// <summary>
/// The single-instance lock of `baton up`: an exclusive open-file-description record lock (OFD,
/// fcntl F_OFD_SETLK) on <c>.baton/locks/autopilot.lock</c> (the kernel drops it when the holder dies,
/// even by SIGKILL, so a crash never leaves it stuck), and <c>.baton/autopilot.pid</c> saying who
/// holds it, for `baton down`. Asking who holds it (F_OFD_GETLK) takes no lock, so a probe can never
/// make a starting `up` believe a second instance runs (a probe that briefly took the lock could).
/// </summary>
/// <remarks>
/// Earlier versions held an exclusive flock instead. Opening the file with sharing allowed makes .NET
/// take a shared flock, which conflicts with that one: an older `up` still running across an upgrade
/// is seen as the holder, and an older probe sees this one. Shared flocks never conflict with each
/// other, so among current versions only the record lock decides.
/// </remarks>
public sealed class AutopilotLock : IDisposable
{
    private readonly SafeFileHandle _lock;
    private readonly string _pidFile;

    private AutopilotLock(SafeFileHandle held, string pidFile)
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
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(LockFile(paths), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (IOException)
        {
            return null; // an older baton holds its exclusive flock
        }

        var request = Flock.WholeFile(WriteLock);
        if (Fcntl(handle, OfdSetLock, ref request) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            return errno is EAgain or EAccess ? null : throw new IOException($"cannot lock {LockFile(paths)} (errno {errno})");
        }

        var pidFile = PidFile(paths);
        File.WriteAllText(pidFile + ".tmp", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(pidFile + ".tmp", pidFile, overwrite: true);
        return new AutopilotLock(handle, pidFile);
    }

    /// <summary>The pid of the running autopilot (-1 when its pid file does not say), or null when none holds the lock.</summary>
    public static int? Holder(BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(LockFile(paths), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            return HolderPid(paths); // an older baton holds its exclusive flock
        }

        using (handle)
        {
            var query = Flock.WholeFile(WriteLock);
            if (Fcntl(handle, OfdGetLock, ref query) != 0)
            {
                throw new IOException($"cannot ask who locks {LockFile(paths)} (errno {Marshal.GetLastPInvokeError()})");
            }

            return query.Type == Unlocked ? null : HolderPid(paths);
        }
    }

    private static int HolderPid(BatonPaths paths)
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile(paths)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : -1;
        }
        catch (FileNotFoundException)
        {
            return -1; // written just after the lock is taken, deleted just before it is released
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

    private static int Fcntl(SafeFileHandle handle, int command, ref Flock flock)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return FcntlLock((int)handle.DangerousGetHandle(), command, ref flock);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // Linux values, the same on x86-64 and arm64.
    private const int OfdGetLock = 36, OfdSetLock = 37;
    private const short WriteLock = 1, Unlocked = 2;
    private const int EAgain = 11, EAccess = 13;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int FcntlLock(int fd, int command, ref Flock flock);

    /// <summary>struct flock of Linux on 64-bit: the padding after Whence and Pid is the natural alignment.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;

        /// <summary>From offset 0 (SEEK_SET) with length 0: the whole file, however long it grows.</summary>
        public static Flock WholeFile(short type) => new() { Type = type };
    }
}
