using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Tmux;

namespace Baton.Infrastructure.Tmux;

/// <summary>
/// The live feeds of every watched pane, one tmux control-mode client per pane however many
/// viewers it has (<see cref="ControlModeFeed"/>), started with the first and stopped after the last.
/// </summary>
public sealed class TmuxPaneFeeds : IPaneFeeds
{
    private readonly IProcessRunner _runner;
    private readonly Redactor _redactor;
    private readonly Lock _lock = new();
    private readonly Dictionary<PaneTarget, ControlModeFeed> _feeds = [];
    private bool _disposed;

    public TmuxPaneFeeds(IProcessRunner runner, Redactor redactor)
    {
        _runner = runner;
        _redactor = redactor;
    }

    public int RunningFeeds
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    public IDisposable Watch(PaneTarget pane, IPaneViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(pane);
        ArgumentNullException.ThrowIfNull(viewer);
        ControlModeFeed? started = null;
        IDisposable subscription;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_feeds.TryGetValue(pane, out var feed) || !feed.TryAdd(viewer, out subscription))
            {
                feed = new ControlModeFeed(pane, _redactor, Closed);
                _feeds[pane] = feed;
                feed.TryAdd(viewer, out subscription);
                started = feed;
            }
        }

        // Started outside the lock: the commands the viewer queued are written once it runs, and a
        // feed that fails at once removes itself (Closed takes the lock).
        started?.Start(_runner);
        return subscription;
    }

    private void Closed(ControlModeFeed feed)
    {
        lock (_lock)
        {
            foreach (var (key, value) in _feeds)
            {
                if (ReferenceEquals(value, feed))
                {
                    _feeds.Remove(key);
                    break;
                }
            }
        }
    }

    public void Dispose()
    {
        List<ControlModeFeed> feeds;
        lock (_lock)
        {
            _disposed = true;
            feeds = [.. _feeds.Values];
        }

        foreach (var feed in feeds)
        {
            feed.End("the dashboard is stopping");
        }
    }
}
