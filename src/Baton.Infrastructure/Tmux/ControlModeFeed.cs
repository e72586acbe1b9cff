using System.Globalization;
using System.Text;
using Baton.Core;
using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Tmux;

namespace Baton.Infrastructure.Tmux;

/// <summary>
/// One pane's live output for all its viewers: one tmux control-mode client
/// (<c>tmux -C attach -f ignore-size,read-only</c>: it never resizes the agent's window and cannot
/// type into it). A new viewer's screen is asked through the same client (capture-pane, then the
/// cursor), and tmux answers in order with the output, so the viewer gets the screen, then exactly
/// the output after it: no gap, nothing twice.
/// </summary>
internal sealed class ControlModeFeed
{
    private const string InfoFormat = "#{pane_id} #{cursor_x} #{cursor_y} #{pane_width} #{pane_height}";

    private readonly PaneTarget _pane;
    private readonly Redactor _redactor;
    private readonly StreamRedactor _stream;
    private readonly Action<ControlModeFeed> _closed;
    private readonly Lock _lock = new();
    private readonly List<Viewer> _viewers = [];
    private readonly Queue<Request> _requests = new();
    private readonly List<string> _unsent = [];
    private readonly ControlModeParser _parser = new();
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private IRunningProcess? _process;
    private string? _paneId;
    private string? _sessionId;
    private IReadOnlyList<string>? _captured;
    private string? _captureError;
    private bool _closing;

    public ControlModeFeed(PaneTarget pane, Redactor redactor, Action<ControlModeFeed> closed)
    {
        _pane = pane;
        _redactor = redactor;
        _stream = new StreamRedactor(redactor);
        _closed = closed;
    }

    /// <summary>The tmux client's pid while it runs (tests check it is gone afterwards).</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Starts the tmux client; a failure to start ends the feed with the reason.</summary>
    public void Start(IProcessRunner runner)
    {
        var args = new List<string>();
        if (_pane.Socket is { } socket)
        {
            args.AddRange(["-L", socket]);
        }

        args.AddRange(["-C", "attach-session", "-t", TmuxClient.SessionTarget(_pane.Session), "-f", "ignore-size,read-only"]);
        try
        {
            // TMUX emptied: a dashboard started inside tmux must not be refused as a nested client.
            var process = runner.Start(new ProcessRequest("tmux", args) { Environment = new Dictionary<string, string> { ["TMUX"] = "" } });
            lock (_lock)
            {
                _process = process;
                foreach (var command in _unsent)
                {
                    process.WriteLine(command);
                }

                _unsent.Clear();
            }
        }
        catch (ProcessStartFailedException)
        {
            End("tmux is not installed or not on PATH: install it (Debian: apt-get install tmux)");
            return;
        }

        new Thread(Read) { IsBackground = true, Name = "baton-pane-" + _pane.Session }.Start();
    }

    /// <summary>Adds a viewer and asks for its screen; false when the feed is already closing (start a new one).</summary>
    public bool TryAdd(IPaneViewer sink, out IDisposable subscription)
    {
        var viewer = new Viewer(sink);
        subscription = new Subscription(this, viewer);
        lock (_lock)
        {
            if (_closing)
            {
                return false;
            }

            _viewers.Add(viewer);
            AskScreen(viewer);
        }

        return true;
    }

    /// <summary>
    /// Asks tmux for the pane's screen and cursor (under the lock): for <paramref name="viewer"/>,
    /// or with null for every live viewer (the pane was resized: their terminals are redrawn).
    /// </summary>
    private void AskScreen(Viewer? viewer)
    {
        var target = Quote(TmuxClient.PaneTarget(_pane.Session));
        _requests.Enqueue(new Request(viewer, Capture: true));
        _requests.Enqueue(new Request(viewer, Capture: false));
        Send("capture-pane -e -p -t " + target);
        Send("display-message -p -t " + target + " " + Quote(InfoFormat));
    }

    /// <summary>Writes a command to the client, or keeps it until the client has started (under the lock).</summary>
    private void Send(string command)
    {
        if (_process is { } process)
        {
            process.WriteLine(command);
        }
        else
        {
            _unsent.Add(command);
        }
    }

    private void Remove(Viewer viewer)
    {
        lock (_lock)
        {
            if (!_viewers.Remove(viewer) || _viewers.Count > 0 || _closing)
            {
                return;
            }

            _closing = true;
        }

        // The last viewer left: the client goes (its input closed, then killed by its pid if it lingers).
        _closed(this);
        _process?.Stop(TimeSpan.FromSeconds(1));
    }

    /// <summary>Ends the feed for every viewer with <paramref name="reason"/> and stops the client.</summary>
    public void End(string reason)
    {
        List<Viewer> viewers;
        lock (_lock)
        {
            viewers = [.. _viewers];
            _viewers.Clear();
            _requests.Clear();
            _closing = true;
        }

        foreach (var viewer in viewers)
        {
            viewer.Sink.Ended(reason);
        }

        _closed(this);
        _process?.Stop(TimeSpan.FromSeconds(1));
    }

    private void Read()
    {
        var process = _process!;
        var buffer = new byte[64 * 1024];
        var line = new List<byte>(4096);
        try
        {
            int read;
            while ((read = process.Output.Read(buffer, 0, buffer.Length)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                int newline;
                while ((newline = span.IndexOf((byte)'\n')) >= 0)
                {
                    if (line.Count == 0)
                    {
                        Handle(_parser.Feed(span[..newline]));
                    }
                    else
                    {
                        line.AddRange(span[..newline]);
                        Handle(_parser.Feed(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line)));
                        line.Clear();
                    }

                    span = span[(newline + 1)..];
                }

                line.AddRange(span);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client was stopped.
        }

        var error = process.ErrorTail;
        End(error.Length > 0 ? $"the pane's feed stopped (tmux: {_redactor.Redact(error)})" : $"the session {_pane.Session} ended");
    }

    private void Handle(ControlEvent? e)
    {
        switch (e?.Kind)
        {
            case ControlEventKind.Output:
                Output(e);
                break;
            case ControlEventKind.Block when e.FromClient:
                Answer(e);
                break;
            case ControlEventKind.Block when e.Failed:
                End($"the session {_pane.Session} is not running (tmux: {_redactor.Redact(string.Join(' ', e.Lines))})");
                break;
            case ControlEventKind.Other when e.Text!.StartsWith("%layout-change ", StringComparison.Ordinal):
                // The window was resized (a person attached with another terminal size, a split):
                // the pages' terminals are redrawn at the new size, in order with the output.
                lock (_lock)
                {
                    if (_viewers.Any(v => v.Live))
                    {
                        AskScreen(null);
                    }
                }

                break;
            case ControlEventKind.Exit:
                End(e.Text is { Length: > 0 } why && why != "detached" ? $"the session {_pane.Session} ended ({why})" : $"the session {_pane.Session} ended");
                break;
            case ControlEventKind.SessionChanged:
                // The first is the attach; another means tmux moved this client elsewhere because
                // the session went away (detach-on-destroy off): for this pane, that is the end.
                if (_sessionId is null)
                {
                    _sessionId = e.Id;
                }
                else if (_sessionId != e.Id)
                {
                    End($"the session {_pane.Session} ended");
                }

                break;
        }
    }

    private void Output(ControlEvent e)
    {
        lock (_lock)
        {
            if (_paneId is null || e.Id != _paneId)
            {
                return;
            }

            var chars = new char[_decoder.GetCharCount(e.Data, flush: false)];
            _decoder.GetChars(e.Data, chars, flush: false);
            var shown = _stream.Push(new string(chars));
            if (shown.Length == 0)
            {
                return;
            }

            foreach (var viewer in _viewers)
            {
                if (viewer.Live)
                {
                    viewer.Send(shown);
                }
            }
        }
    }

    private void Answer(ControlEvent e)
    {
        lock (_lock)
        {
            if (!_requests.TryDequeue(out var request))
            {
                return;
            }

            // Requests come in pairs, answered in order: the capture, then the cursor and size.
            if (request.Capture)
            {
                _captured = e.Failed ? null : e.Lines;
                _captureError = e.Failed ? string.Join(' ', e.Lines) : null;
                return;
            }

            var captured = _captured;
            var error = e.Failed ? string.Join(' ', e.Lines) : _captureError;
            _captured = null;
            _captureError = null;
            List<Viewer> targets = request.Viewer is { } one
                ? _viewers.Contains(one) ? [one] : []
                : [.. _viewers.Where(v => v.Live)];
            var info = (e.Lines.Count > 0 ? e.Lines[0] : "").Split(' ');
            if (error is not null || captured is null || info.Length < 5)
            {
                if (request.Viewer is { } failed && targets.Count > 0)
                {
                    _viewers.Remove(failed);
                    failed.Sink.Ended($"the session {_pane.Session} is not running (tmux: {_redactor.Redact(error ?? "no screen")})");
                }

                return;
            }

            _paneId = info[0];
            var screen = new StringBuilder("\u001b[0m\u001b[H\u001b[2J");
            screen.AppendJoin("\r\n", captured);
            screen.Append(CultureInfo.InvariantCulture, $"\u001b[0m\u001b[{Number(info[2]) + 1};{Number(info[1]) + 1}H");
            var shown = new PaneScreen(_redactor.Redact(screen.ToString()), Number(info[3]), Number(info[4]));
            foreach (var viewer in targets)
            {
                viewer.Sink.Screen(shown);
                viewer.Live = true;

                // What the stream holds back (a possible secret's start) is already on that screen.
                viewer.Skip = _stream.Held;
            }
        }
    }

    private static int Number(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>A single-quoted tmux argument (worker names and Baton's formats hold no quote).</summary>
    private static string Quote(string text) =>
        text.Contains('\'', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal)
            ? throw new BatonException($"cannot address the tmux target {text}")
            : "'" + text + "'";

    /// <summary>A screen asked of tmux: for one new viewer, or (null) a redraw for every live one.</summary>
    private sealed record Request(Viewer? Viewer, bool Capture);

    private sealed class Viewer(IPaneViewer sink)
    {
        public IPaneViewer Sink { get; } = sink;

        public bool Live { get; set; }

        public string Skip { get; set; } = "";

        public void Send(string text)
        {
            if (Skip.Length > 0)
            {
                var skip = Skip;
                Skip = "";
                if (text.StartsWith(skip, StringComparison.Ordinal))
                {
                    text = text[skip.Length..];
                }
            }

            if (text.Length > 0)
            {
                Sink.Output(text);
            }
        }
    }

    private sealed class Subscription(ControlModeFeed feed, Viewer viewer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Remove(viewer);
            }
        }
    }
}
