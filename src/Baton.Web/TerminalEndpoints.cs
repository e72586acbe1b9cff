using System.Net.WebSockets;
using System.Text.Json;
using Baton.Core.Tmux;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Baton.Web;

/// <summary>
/// The live terminal (a WebSocket per page, every page of a pane on one shared tmux feed) and the
/// phone view's plain text (each pane captured at most once a second, whoever asks).
/// </summary>
internal static class TerminalEndpoints
{
    public static void Map(WebApplication app, Endpoints endpoints, ITerminalBackend terminals, IDashboardBackend backend)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.Lifetime.ApplicationStopping.Register(terminals.Feeds.Dispose);
        var cache = new PaneTextCache(pane => backend.Redact(terminals.PaneText(pane)), TimeProvider.System);
        app.MapGet("/api/workers/{name}/terminal", (HttpContext context, string name) => TerminalAsync(context, name, endpoints, terminals));
        app.MapGet("/api/workers/{name}/pane", (HttpContext context, string name) => PaneAsync(context, name, endpoints, terminals, cache));
    }

    private static async Task TerminalAsync(HttpContext context, string name, Endpoints endpoints, ITerminalBackend terminals)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Endpoints.Error(context, StatusCodes.Status400BadRequest, "the terminal is a WebSocket: connect with one (terminal.html does)").ConfigureAwait(false);
            return;
        }

        // The cookie comes with a WebSocket opened by any site's page (browsers send it, and
        // WebSockets have no CORS): only this dashboard's own pages may open one.
        if (!SameOrigin(context.Request))
        {
            await Endpoints.Error(context, StatusCodes.Status403Forbidden, "a terminal can only be opened from the dashboard's own page (the Origin header does not match)").ConfigureAwait(false);
            return;
        }

        var pane = await endpoints.TryRun(context, () => terminals.Pane(name)).ConfigureAwait(false);
        if (pane is null)
        {
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var viewer = new TerminalViewer();
        using (terminals.Feeds.Watch(pane, viewer))
        {
            var pump = viewer.PumpAsync(socket, gone.Token);
            var listen = ListenAsync(socket, gone.Token);
            await Task.WhenAny(pump, listen).ConfigureAwait(false);
            viewer.Abandon();
            if (pump.IsCompletedSuccessfully)
            {
                // The feed ended and the close is sent: the page's answer to it is awaited (briefly),
                // because a connection dropped with unread input is reset, and a reset loses the
                // "ended" message still in flight.
                await Task.WhenAny(listen, Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted)).ConfigureAwait(false);
            }

            await gone.CancelAsync().ConfigureAwait(false);
            await Quietly(pump).ConfigureAwait(false);
            await Quietly(listen).ConfigureAwait(false);
        }
    }

    /// <summary>Reads (and drops) what the page sends, until it closes: typing goes through POST /send.</summary>
    private static async Task ListenAsync(WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct).ConfigureAwait(false);
                }

                return;
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            // The page or the server went away: nothing is left to tell.
        }
    }

    private static async Task PaneAsync(HttpContext context, string name, Endpoints endpoints, ITerminalBackend terminals, PaneTextCache cache)
    {
        var pane = await endpoints.TryRun(context, () => terminals.Pane(name)).ConfigureAwait(false);
        if (pane is null)
        {
            return;
        }

        string text;
        try
        {
            text = await cache.TextAsync(pane).ConfigureAwait(false);
        }
        catch (TmuxException e) when (e is TmuxSessionNotFoundException or TmuxNoServerException)
        {
            await Endpoints.Error(context, StatusCodes.Status409Conflict, $"the session {pane.Session} of worker '{name}' has ended").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new PaneTextBody(name, text), TerminalJsonContext.Default.PaneTextBody), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>No Origin (not a browser: it showed the token itself) or exactly this server's scheme, host and port.</summary>
    public static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }
}
