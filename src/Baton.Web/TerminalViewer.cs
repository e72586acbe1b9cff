using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Baton.Core.Tmux;

namespace Baton.Web;

/// <summary>
/// One browser's terminal: the feed's calls become JSON messages in a bounded queue (the feed's
/// thread never waits on a socket), which <see cref="PumpAsync"/> writes. A viewer that falls so
/// far behind that the queue fills is ended rather than allowed to hold memory without bound.
/// </summary>
internal sealed class TerminalViewer : IPaneViewer
{
    private const int MaxQueued = 4096;

    private readonly Channel<string> _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Lock _lock = new();
    private bool _ended;

    public void Screen(PaneScreen screen) => Enqueue(new TerminalMessage("screen", screen.Data, screen.Columns, screen.Rows));

    public void Output(string text) => Enqueue(new TerminalMessage("output", text));

    public void Ended(string reason) => Finish(reason);

    private void Enqueue(TerminalMessage message)
    {
        lock (_lock)
        {
            if (!_ended && !_queue.Writer.TryWrite(Json(message)))
            {
                _ended = true;
                _queue.Writer.TryComplete(new TerminalBehindException());
            }
        }
    }

    private void Finish(string reason)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;

            // Past the bound if need be: the reason is the one message a viewer must get.
            _queue.Writer.TryComplete(new TerminalEndedException(Json(new TerminalMessage("ended", Reason: reason))));
        }
    }

    /// <summary>Writes the queue to <paramref name="socket"/> until the feed ends (then says why and closes) or <paramref name="ct"/>.</summary>
    public async Task PumpAsync(WebSocket socket, CancellationToken ct)
    {
        string? ended = null;
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
            }
        }
        catch (TerminalEndedException e)
        {
            ended = e.Json;
        }
        catch (TerminalBehindException)
        {
            ended = Json(new TerminalMessage("ended", Reason: "this page fell too far behind the pane's output: reload it"));
        }
        catch (ChannelClosedException e) when (e.InnerException is TerminalEndedException end)
        {
            // Depending on the read, the error a channel was completed with comes wrapped.
            ended = end.Json;
        }
        catch (ChannelClosedException e) when (e.InnerException is TerminalBehindException)
        {
            ended = Json(new TerminalMessage("ended", Reason: "this page fell too far behind the pane's output: reload it"));
        }

        if (ended is not null && socket.State == WebSocketState.Open)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(ended), WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ended", ct).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the queue when the page went away (nothing more is written).</summary>
    public void Abandon() => Finish("the page closed");

    private static string Json(TerminalMessage message) => JsonSerializer.Serialize(message, TerminalJsonContext.Default.TerminalMessage);

    private sealed class TerminalEndedException(string json) : Exception("the pane's feed ended")
    {
        public string Json { get; } = json;
    }

    private sealed class TerminalBehindException() : Exception("the viewer fell behind");
}
