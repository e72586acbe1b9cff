namespace Baton.Core.Tmux;

/// <summary>
/// One viewer of a pane feed (a browser's WebSocket). Called on the feed's reader thread, in
/// order: <see cref="Screen"/> once, then <see cref="Output"/> for every piece the pane printed
/// after that screen (none missing, none twice), and <see cref="Ended"/> last. Implementations
/// must not block (queue and return): one slow viewer must not stall the others.
/// </summary>
public interface IPaneViewer
{
    void Screen(PaneScreen screen);

    /// <summary>Text the pane's program wrote (ANSI sequences included), secrets masked.</summary>
    void Output(string text);

    /// <summary>The feed is over (the session ended, tmux failed, or the dashboard stops), and why.</summary>
    void Ended(string reason);
}
