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
