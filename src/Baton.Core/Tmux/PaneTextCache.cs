namespace Baton.Core.Tmux;

/// <summary>
/// The plain text of panes for the phone view: each pane captured at most once per
/// <see cref="MaxAge"/> however many viewers ask (they share the capture in flight, and its
/// failure). Thread-safe.
/// </summary>
public sealed class PaneTextCache
{
    private readonly Func<PaneTarget, string> _capture;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<PaneTarget, Entry> _entries = [];

    /// <param name="capture">The pane's text, masked; may throw (a session that ended). Runs on a pool thread.</param>
    public PaneTextCache(Func<PaneTarget, string> capture, TimeProvider time, TimeSpan? maxAge = null)
    {
        _capture = capture;
        _time = time;
        MaxAge = maxAge ?? TimeSpan.FromSeconds(1);
    }

    public TimeSpan MaxAge { get; }

    /// <summary>How many captures were made (for tests: N viewers, one capture).</summary>
    public int Captures { get; private set; }

    /// <summary>The pane's text no older than <see cref="MaxAge"/> (or the capture's exception).</summary>
    public Task<string> TextAsync(PaneTarget pane)
    {
        ArgumentNullException.ThrowIfNull(pane);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(pane, out var entry) && now - entry.Taken < MaxAge)
            {
                return entry.Text;
            }

            // Old entries of panes nobody reads any more go, so the cache stays as small as the set of watched panes.
            foreach (var (key, old) in _entries.Where(e => now - e.Value.Taken > MaxAge * 60).ToList())
            {
                _entries.Remove(key);
            }

            Captures++;
            var text = Task.Run(() => _capture(pane));
            _entries[pane] = new Entry(now, text);
            return text;
        }
    }

    private sealed record Entry(DateTimeOffset Taken, Task<string> Text);
}
