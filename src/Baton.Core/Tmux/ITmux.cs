namespace Baton.Core.Tmux;

/// <summary>
/// tmux in its own vocabulary, narrowed to what Baton's services call. One instance speaks to one
/// server (the default one, or <c>-L socket</c>). Targets are exact session names, never prefixes.
/// </summary>
public interface ITmux
{
    /// <summary>The <c>-L</c> socket name, or null for the user's default server.</summary>
    string? Socket { get; }

    /// <summary>Every session on the server with the fields Baton needs, in one tmux call.</summary>
    IReadOnlyList<TmuxSession> ListSessions();

    /// <summary>
    /// Creates a detached session running <paramref name="command"/> (an argument list, no shell),
    /// keeps the pane after the command exits (remain-on-exit) and tags the session with
    /// <c>@baton-worker</c>. Returns false, creating nothing, when a session of that name exists.
    /// </summary>
    bool NewSession(NewSessionRequest request);

    /// <summary>Types <paramref name="text"/> literally (<c>send-keys -l</c>).</summary>
    void SendLiteral(string session, string text);

    /// <summary>Sends named keys such as <c>Enter</c>, <c>Escape</c>, <c>C-c</c>.</summary>
    void SendKeys(string session, IReadOnlyList<string> keys);

    /// <summary>The visible screen plus up to <paramref name="historyLines"/> lines of scrollback.</summary>
    string Capture(string session, int historyLines = 0);

    /// <summary>
    /// The visible screen and the session's facts (null: it is gone), in one tmux call where the
    /// server allows: a starting agent is looked at every few milliseconds, and whether it is still
    /// alive matters whenever its screen says nothing yet.
    /// </summary>
    (string Screen, TmuxSession? Session) Look(string session)
    {
        string screen;
        try
        {
            screen = Capture(session);
        }
        catch (TmuxException)
        {
            screen = ""; // gone, or its whole server: the facts below say which
        }

        return (screen, ListSessions().FirstOrDefault(s => s.Name == session));
    }

    /// <summary>
    /// The visible screen, then <paramref name="text"/> typed literally (<c>send-keys -l</c>) right
    /// after it, in one tmux call where the server allows; returns the screen from before the text.
    /// </summary>
    string CaptureThenType(string session, string text)
    {
        var before = Capture(session);
        SendLiteral(session, text);
        return before;
    }

    /// <summary>Captures several panes in as few tmux calls as possible; sessions that vanished are left out.</summary>
    IReadOnlyDictionary<string, string> CaptureMany(IReadOnlyList<string> sessions);

    void KillSession(string session);
}

public sealed record NewSessionRequest(
    string Session,
    string Worker,
    string Directory,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    int Width,
    int Height);

public sealed record TmuxSession(
    string Name,
    DateTimeOffset Created,
    DateTimeOffset LastActivity,
    bool PaneDead,
    int? PaneDeadStatus,
    int? PanePid,
    string? BatonWorker,
    DateTimeOffset? PaneDeadSince = null);
