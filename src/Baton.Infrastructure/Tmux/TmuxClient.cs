using System.Globalization;
using Baton.Core;
using Baton.Core.Processes;
using Baton.Core.Tmux;

namespace Baton.Infrastructure.Tmux;

/// <summary>
/// The tmux CLI, always on the configured server (<c>-L socket</c> or the default), always with
/// exact targets: <c>-t =name</c> for a session and <c>-t =name:</c> for its pane, because a plain
/// <c>-t name</c> is a prefix match that could hit another session.
/// </summary>
public sealed class TmuxClient : ITmux
{
    private const string CaptureSeparator = "@@BATON-CAPTURE-END-5c1e@@";
    private const string ListFormat = "#{session_name}\t#{session_created}\t#{window_activity}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_pid}\t#{@baton-worker}\t#{pane_dead_time}";

    /// <summary>tmux's command separator, as one instance Baton alone uses (compared by reference in Run).</summary>
    private static readonly string Then = new(';', 1);

    private readonly IProcessRunner _runner;

    public TmuxClient(IProcessRunner runner, string? socket)
    {
        _runner = runner;
        Socket = string.IsNullOrEmpty(socket) ? null : socket;
    }

    public string? Socket { get; }

    public IReadOnlyList<TmuxSession> ListSessions()
    {
        var result = Run(["list-sessions", "-F", ListFormat], allowFailure: true);
        if (result.ExitCode != 0)
        {
            // No server yet means no sessions, not an error.
            if (IsNoServer(result.StandardError))
            {
                return [];
            }

            throw new TmuxException(["list-sessions"], result.ExitCode, result.StandardError);
        }

        var sessions = ParseSessions(result.StandardOutput);
        return sessions.Any(s => s.PaneDead && s.PaneDeadStatus is null)
            ? sessions.Select(s => s.PaneDead && s.PaneDeadStatus is null && s.PanePid is { } pid ? s with { PaneDeadStatus = ZombieExitCode(pid) } : s).ToList()
            : sessions;
    }

    /// <summary>
    /// tmux sometimes leaves a dead pane's process unreaped for a long time (seen with tmux 3.3a:
    /// the pane is dead, `pane_dead_status` stays empty and the process is a zombie). The exit
    /// status is still readable from the zombie's /proc entry (field 52 of stat, as waitpid
    /// reports it), so Baton reads it there rather than report "unknown".
    /// </summary>
    public static int? ZombieExitCode(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length < 50 || fields[0] != "Z" || !int.TryParse(fields[49], NumberStyles.Integer, CultureInfo.InvariantCulture, out var status))
            {
                return null;
            }

            var signal = status & 0x7f;
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static IReadOnlyList<TmuxSession> ParseSessions(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sessions = new List<TmuxSession>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            if (f.Length < 8)
            {
                continue;
            }

            // Names of foreign sessions may hold tabs: the fixed fields are counted from the end.
            var n = f.Length;
            var name = string.Join('\t', f.Take(n - 7));
            sessions.Add(new TmuxSession(
                name,
                Epoch(f[n - 7]),
                Epoch(f[n - 6]),
                f[n - 5] == "1",
                int.TryParse(f[n - 4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) ? status : null,
                int.TryParse(f[n - 3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null,
                f[n - 2].Length == 0 ? null : f[n - 2],
                f[n - 1].Length == 0 ? null : Epoch(f[n - 1])));
        }

        return sessions;
    }

    public bool NewSession(NewSessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = new List<string>
        {
            "new-session", "-d", "-s", request.Session,
            "-x", request.Width.ToString(CultureInfo.InvariantCulture),
            "-y", request.Height.ToString(CultureInfo.InvariantCulture),
            "-c", request.Directory,
        };
        foreach (var (key, value) in request.Environment.Where(e => e.Key != "PATH"))
        {
            args.Add("-e");
            args.Add(key + "=" + value);
        }

        // With two or more arguments tmux execs the command directly; with one it would hand it
        // to `sh -c`. `env` guarantees the first case, so nothing is ever parsed by a shell.
        // tmux 3.3 ignores `-e PATH=...` (the pane gets the server's PATH), so PATH goes to env.
        args.Add("env");
        if (request.Environment.TryGetValue("PATH", out var path))
        {
            args.Add("PATH=" + path);
        }

        args.AddRange(request.Command);

        // Same invocation, so the options are in place before the agent can exit: a pane that
        // dies before remain-on-exit is set would vanish with its last screen.
        args.AddRange([Then, "set-option", "-w", "-t", PaneTarget(request.Session), "remain-on-exit", "on"]);
        args.AddRange([Then, "set-option", "-t", PaneTarget(request.Session), "@baton-worker", request.Worker]);
        var result = Run(args, allowFailure: true);
        if (result.ExitCode == 0)
        {
            return true;
        }

        // Asking tmux is cheaper than listing sessions first, and free of the race between the two.
        if (result.StandardError.Contains("duplicate session", StringComparison.Ordinal))
        {
            return false;
        }

        throw new TmuxException(["new-session", request.Session], result.ExitCode, result.StandardError);
    }

    public void SendLiteral(string session, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return;
        }

        Run(["send-keys", "-t", PaneTarget(session), "-l", "--", text]);
    }

    /// <summary>
    /// tmux reads an argument that ends in ';' as the end of a command (the ';' is dropped); a
    /// backslash before that last ';' keeps it literally, and tmux removes the backslash.
    /// </summary>
    public static string EscapeTrailingSemicolon(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.EndsWith(';') ? text[..^1] + "\\;" : text;
    }

    public void SendKeys(string session, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var args = new List<string> { "send-keys", "-t", PaneTarget(session) };
        args.AddRange(keys);
        Run(args);
    }

    public string Capture(string session, int historyLines = 0)
    {
        var args = new List<string> { "capture-pane", "-p", "-J", "-t", PaneTarget(session) };
        if (historyLines > 0)
        {
            args.Add("-S");
            args.Add((-historyLines).ToString(CultureInfo.InvariantCulture));
        }

        return Run(args).StandardOutput;
    }

    public IReadOnlyDictionary<string, string> CaptureMany(IReadOnlyList<string> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var screens = new Dictionary<string, string>(StringComparer.Ordinal);
        if (sessions.Count == 0)
        {
            return screens;
        }

        // One tmux process for all panes: capture, marker, capture, marker... A session that
        // vanished in between makes tmux stop the chain, so then each is captured on its own.
        var args = new List<string>();
        foreach (var s in sessions)
        {
            if (args.Count > 0)
            {
                args.Add(Then);
            }

            args.AddRange(["capture-pane", "-p", "-J", "-t", PaneTarget(s), Then, "display-message", "-p", CaptureSeparator]);
        }

        var result = Run(args, allowFailure: true);
        var parts = result.StandardOutput.Split(CaptureSeparator + "\n");
        if (result.ExitCode == 0 && parts.Length == sessions.Count + 1)
        {
            for (var i = 0; i < sessions.Count; i++)
            {
                screens[sessions[i]] = parts[i];
            }

            return screens;
        }

        foreach (var s in sessions)
        {
            try
            {
                screens[s] = Capture(s);
            }
            catch (TmuxException e) when (e is TmuxSessionNotFoundException or TmuxNoServerException)
            {
                // Gone (or its whole server): the liveness check reports it.
            }
        }

        return screens;
    }

    public void KillSession(string session)
    {
        var result = Run(["kill-session", "-t", SessionTarget(session)], allowFailure: true);
        if (result.ExitCode != 0 && !IsNotFound(result.StandardError) && !IsNoServer(result.StandardError))
        {
            throw new TmuxException(["kill-session", session], result.ExitCode, result.StandardError);
        }
    }

    /// <summary>The argument list for attaching a terminal (switch-client when already inside this server).</summary>
    public IReadOnlyList<string> AttachArguments(string session, bool insideTmux)
    {
        var args = Prefix();
        args.AddRange(insideTmux ? ["switch-client", "-t", SessionTarget(session)] : ["attach-session", "-t", SessionTarget(session)]);
        return args;
    }

    public static string SessionTarget(string session) => "=" + session;

    public static string PaneTarget(string session) => "=" + session + ":";

    private List<string> Prefix() => Socket is null ? [] : ["-L", Socket];

    private ProcessResult Run(IReadOnlyList<string> args, bool allowFailure = false)
    {
        // Every argument that ends in ';' is escaped (text, env values, folders, commands); only
        // Baton's own separators between chained commands (the Then instance) stay separators,
        // so a user's text that is exactly ";" is typed, not taken as one.
        var full = Prefix();
        full.AddRange(args.Select(a => ReferenceEquals(a, Then) ? a : EscapeTrailingSemicolon(a)));
        ProcessResult result;
        try
        {
            result = _runner.Run(new ProcessRequest("tmux", full) { Timeout = TimeSpan.FromSeconds(15) });
        }
        catch (ProcessStartFailedException e)
        {
            throw new BatonException("tmux is not installed or not on PATH: install it (Debian: apt-get install tmux)", e);
        }

        if (result.ExitCode != 0 && !allowFailure)
        {
            // The server first: with no server, tmux says only that (not which session is missing).
            if (IsNoServer(result.StandardError))
            {
                throw new TmuxNoServerException(full, result.ExitCode, result.StandardError);
            }

            if (IsNotFound(result.StandardError))
            {
                throw new TmuxSessionNotFoundException(full, result.ExitCode, result.StandardError);
            }

            throw new TmuxException(full, result.ExitCode, result.StandardError);
        }

        return result;
    }

    private static bool IsNoServer(string stderr) =>
        stderr.Contains("no server running", StringComparison.Ordinal)
        || stderr.Contains("error connecting to", StringComparison.Ordinal)
        // A server in the middle of exiting (kill-server, its last session ended) still has its socket.
        || stderr.Contains("server exited unexpectedly", StringComparison.Ordinal)
        || stderr.Contains("No such file or directory", StringComparison.Ordinal);

    private static bool IsNotFound(string stderr) =>
        stderr.Contains("can't find session", StringComparison.Ordinal)
        || stderr.Contains("can't find pane", StringComparison.Ordinal)
        || stderr.Contains("can't find window", StringComparison.Ordinal)
        || stderr.Contains("session not found", StringComparison.Ordinal);

    private static DateTimeOffset Epoch(string seconds) =>
        long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? DateTimeOffset.FromUnixTimeSeconds(s)
            : DateTimeOffset.UnixEpoch;
}
