using Baton.Core.Tmux;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// A tmux server in memory: sessions with a screen each, the keys and text typed to them, panes
/// that die. A call on a session that does not exist fails as tmux would
/// (<see cref="TmuxSessionNotFoundException"/>). <see cref="OnKeys"/> lets a test make the screen
/// answer what was pressed (a dialog that closes on Enter).
/// </summary>
public sealed class FakeTmux : ITmux
{
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly List<string> _log = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public FakeTmux(TimeProvider time, string? socket = null)
    {
        _time = time;
        Socket = socket;
    }

    public string? Socket { get; }

    /// <summary>Called after keys were sent to a session (session, keys); may change its screen.</summary>
    public Action<string, IReadOnlyList<string>>? OnKeys { get; set; }

    /// <summary>Called on every capture (session); may change its screen (an agent that draws over time).</summary>
    public Action<string>? OnCapture { get; set; }

    /// <summary>Every call that changed something, in order: "new NAME", "keys NAME Enter", "literal NAME text", "kill NAME".</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    public int Captures { get; private set; }

    public IReadOnlyList<NewSessionRequest> Created { get; private set; } = [];

    /// <summary>Adds a live session as if an agent were running in it.</summary>
    public void Add(string session, string? worker = null, string screen = "")
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _sessions[session] = new Session { Worker = worker, Screen = screen, Created = now };
        }
    }

    public void Show(string session, string screen)
    {
        lock (_lock)
        {
            Find(session, "show").Screen = screen;
        }
    }

    public string ScreenOf(string session)
    {
        lock (_lock)
        {
            return Find(session, "capture-pane").Screen;
        }
    }

    /// <summary>The agent in the session exits: the pane stays (remain-on-exit) with its exit code.</summary>
    public void Exit(string session, int code)
    {
        lock (_lock)
        {
            var s = Find(session, "exit");
            s.Dead = true;
            s.ExitCode = code;
        }
    }

    public IReadOnlyList<TmuxSession> ListSessions()
    {
        lock (_lock)
        {
            return _sessions.Select(s => new TmuxSession(s.Key, s.Value.Created, s.Value.Created, s.Value.Dead, s.Value.Dead ? s.Value.ExitCode : null, 4242, s.Value.Worker)).ToList();
        }
    }

    public bool NewSession(NewSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            if (_sessions.ContainsKey(request.Session))
            {
                return false;
            }

            _sessions[request.Session] = new Session { Worker = request.Worker, Created = _time.GetUtcNow() };
            Created = [.. Created, request];
            _log.Add("new " + request.Session);
            return true;
        }
    }

    public void SendLiteral(string session, string text)
    {
        lock (_lock)
        {
            Find(session, "send-keys");
            _log.Add($"literal {session} {text}");
        }
    }

    public void SendKeys(string session, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_lock)
        {
            Find(session, "send-keys");
            _log.Add($"keys {session} {string.Join(' ', keys)}");
        }

        OnKeys?.Invoke(session, keys);
    }

    public string Capture(string session, int historyLines = 0)
    {
        OnCapture?.Invoke(session);
        lock (_lock)
        {
            Captures++;
            return Find(session, "capture-pane").Screen;
        }
    }

    public IReadOnlyDictionary<string, string> CaptureMany(IReadOnlyList<string> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        lock (_lock)
        {
            return sessions.Where(_sessions.ContainsKey).ToDictionary(s => s, s => _sessions[s].Screen, StringComparer.Ordinal);
        }
    }

    public void KillSession(string session)
    {
        lock (_lock)
        {
            _sessions.Remove(session);
            _log.Add("kill " + session);
        }
    }

    private Session Find(string session, string verb) =>
        _sessions.TryGetValue(session, out var s) ? s : throw new TmuxSessionNotFoundException([verb, "-t", "=" + session], 1, $"can't find session: {session}");

    private sealed class Session
    {
        public string? Worker { get; init; }

        public string Screen { get; set; } = "";

        public DateTimeOffset Created { get; init; }

        public bool Dead { get; set; }

        public int ExitCode { get; set; }
    }
}
