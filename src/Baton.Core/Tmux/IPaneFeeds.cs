namespace Baton.Core.Tmux;

/// <summary>
/// Live pane output for viewers without polling the pane per viewer: one feed per pane (tmux
/// control mode), shared by every viewer of that pane, started with the first viewer and stopped
/// once the last one leaves. Thread-safe.
/// </summary>
public interface IPaneFeeds : IDisposable
{
    /// <summary>
    /// Adds <paramref name="viewer"/> to the pane's feed (starting it when it is the first).
    /// Disposing the result removes it (stopping the feed when it was the last). A session that
    /// does not exist is reported through <see cref="IPaneViewer.Ended"/>, like one that ends.
    /// </summary>
    IDisposable Watch(PaneTarget pane, IPaneViewer viewer);

    /// <summary>How many feeds run now (each is one tmux client), for tests and diagnostics.</summary>
    int RunningFeeds { get; }
}
