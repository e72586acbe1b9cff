using Baton.Core.Tmux;

namespace Baton.Web;

/// <summary>
/// What the live terminal and the phone view need from the host: which pane a worker has, one
/// shared feed per pane, and the pane's plain text. A backend that also implements this gets
/// the terminal endpoints (<see cref="TerminalEndpoints"/>).
/// </summary>
public interface ITerminalBackend
{
    /// <summary>The worker's tmux pane (called one at a time, like the other backend calls); unknown: <see cref="DashboardNotFoundException"/>, headless: a BatonException.</summary>
    PaneTarget Pane(string worker);

    /// <summary>The live feeds (the server disposes them when it stops).</summary>
    IPaneFeeds Feeds { get; }

    /// <summary>The pane's text now, without colours, masked (any thread; a session that ended throws).</summary>
    string PaneText(PaneTarget pane);
}
