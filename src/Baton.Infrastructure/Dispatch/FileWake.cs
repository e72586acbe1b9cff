using Baton.Core.Config;
using Baton.Core.Dispatch;

namespace Baton.Infrastructure.Dispatch;

/// <summary>
/// Wakes `baton up` when the store's write-ahead log or a hook spool file changes (inotify
/// through <see cref="FileSystemWatcher"/>), so an agent's `baton ticket done` or hook call is
/// acted on at once rather than at the next store poll or tick. Writes of the loop's own
/// connection fire it too; the loop tells them apart by the store's change counter.
/// </summary>
public sealed class FileWake : IAutopilotWake
{
    private readonly Lock _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WakeMark _mark;

    private FileWake()
    {
    }

    /// <summary>
    /// Watches <paramref name="paths"/>' store and spool; null when the system refuses a watch
    /// (out of inotify instances, say): the loop then polls, as it would without one.
    /// </summary>
    public static FileWake? TryStart(BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var wake = new FileWake();
        try
        {
            var database = Path.GetFullPath(paths.Database);
            wake.Watch(Path.GetDirectoryName(database)!, Path.GetFileName(database) + "-wal", hooks: false);
            var spool = Path.GetDirectoryName(paths.SpoolFile("x"))!;
            Directory.CreateDirectory(spool); // the first hook call would make it; the watch needs it now
            wake.Watch(spool, "*.jsonl", hooks: true);
            return wake;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            wake.Dispose();
            return null;
        }
    }

    public WakeMark Mark
    {
        get
        {
            lock (_gate)
            {
                return _mark;
            }
        }
    }

    public Task NextAsync(WakeMark since, CancellationToken ct)
    {
        Task next;
        lock (_gate)
        {
            if (_mark != since)
            {
                return Task.CompletedTask;
            }

            next = _next.Task;
        }

        return next.WaitAsync(ct);
    }

    private void Watch(string dir, string filter, bool hooks)
    {
        var watcher = new FileSystemWatcher(dir, filter)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        _watchers.Add(watcher);
        watcher.Changed += (_, _) => Signal(hooks);
        watcher.Created += (_, _) => Signal(hooks);
        // Events lost (the kernel queue overflowed): something may have changed, of either kind.
        watcher.Error += (_, _) =>
        {
            Signal(hooks: true);
            Signal(hooks: false);
        };
        watcher.EnableRaisingEvents = true;
    }

    private void Signal(bool hooks)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _mark = hooks ? _mark with { Hooks = _mark.Hooks + 1 } : _mark with { Store = _mark.Store + 1 };
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    public void Dispose()
    {
        foreach (var w in _watchers)
        {
            w.Dispose();
        }

        _watchers.Clear();
    }
}
