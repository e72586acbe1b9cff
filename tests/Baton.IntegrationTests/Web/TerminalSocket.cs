using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Baton.IntegrationTests.Web;

/// <summary>A test's WebSocket to /api/workers/NAME/terminal: the messages it received, read on a thread of its own.</summary>
public sealed class TerminalSocket : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _messages = [];
    private readonly Thread _reader;

    private TerminalSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = new Thread(Read) { IsBackground = true };
        _reader.Start();
    }

    /// <summary>Connects with the token (Bearer) and this server's Origin unless told otherwise; throws when refused.</summary>
    public static async Task<TerminalSocket> OpenAsync(DashboardProcess dashboard, string worker, string? origin = "", bool token = true)
    {
        var socket = Client(dashboard, origin, token);
        await socket.ConnectAsync(Address(dashboard, worker), CancellationToken.None);
        return new TerminalSocket(socket);
    }

    /// <summary>The HTTP status a refused connection got.</summary>
    public static async Task<HttpStatusCode> RefusedAsync(DashboardProcess dashboard, string worker, string? origin = "", bool token = true)
    {
        using var socket = Client(dashboard, origin, token);
        await Xunit.Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Address(dashboard, worker), CancellationToken.None));
        return socket.HttpStatusCode;
    }

    private static ClientWebSocket Client(DashboardProcess dashboard, string? origin, bool token)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + dashboard.Token);
        }

        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin.Length == 0 ? dashboard.Base.GetLeftPart(UriPartial.Authority) : origin);
        }

        return socket;
    }

    private static Uri Address(DashboardProcess dashboard, string worker) =>
        new($"ws://{dashboard.Base.Authority}/api/workers/{worker}/terminal");

    public WebSocketState State => _socket.State;

    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>What a terminal would have been fed: the screen's and every output's data, in order.</summary>
    public string Text => string.Concat(Messages.Where(m => m.GetProperty("type").GetString() is "screen" or "output").Select(m => m.GetProperty("data").GetString()));

    public JsonElement? Ended => Messages.Where(m => m.GetProperty("type").GetString() == "ended").Cast<JsonElement?>().FirstOrDefault();

    private void Read()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var received = _socket.ReceiveAsync(buffer, CancellationToken.None).GetAwaiter().GetResult();
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // Answered, as a browser does.
                    _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).GetAwaiter().GetResult();
                    return;
                }

                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    var json = JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement.Clone();
                    message.SetLength(0);
                    lock (_messages)
                    {
                        _messages.Add(json);
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed.
        }
    }

    /// <summary>Closes as a browser tab does.</summary>
    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }
    }

    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
        _reader.Join(TimeSpan.FromSeconds(5));
    }
}
