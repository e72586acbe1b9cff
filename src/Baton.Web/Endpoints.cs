using System.Text;
using System.Text.Json;
using Baton.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Baton.Web;

/// <summary>
/// The API: reads and actions over <see cref="IDashboardBackend"/>, one call at a time (the host's
/// services and store connection are not thread-safe), every failure as JSON {"error": ...}
/// with a status that says whose fault it was, and never a stack trace.
/// </summary>
internal sealed partial class Endpoints
{
    /// <summary>The longest message the page may type to an agent, in UTF-8 bytes.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Bodies are read up to this (JSON escapes can make a 64 KiB message longer), no further.</summary>
    private const int MaxBodyBytes = 8 * MaxMessageBytes;

    private readonly IDashboardBackend _backend;
    private readonly DashboardSecurity _security;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Endpoints(IDashboardBackend backend, DashboardSecurity security)
    {
        _backend = backend;
        _security = security;
    }

    public void Map(WebApplication app, EventStream stream)
    {
        app.MapGet("/api/session", () => Results.Json(new SessionBody(_security.Csrf), WebJsonContext.Default.SessionBody));
        app.MapGet("/api/tickets", (HttpContext context, int? limit) => ViewEndpoints.Tickets(context, this, _backend, limit));
        app.MapGet("/api/workers", (HttpContext context) => Run(context, _backend.WorkersJson));
        app.MapGet("/api/events", (HttpContext context, long? after, int? limit, string? ticket, string? worker, string? type) =>
            stream.ListAsync(context, after, limit ?? 100, new EventFilter(ticket, worker, type)));
        app.MapGet("/api/stream", (HttpContext context, long? after) => stream.StreamAsync(context, after));
        app.MapPost("/api/workers/{name}/send", async (HttpContext context, string name) =>
        {
            var text = await ReadMessageAsync(context).ConfigureAwait(false);
            if (text is not null)
            {
                await Run(context, ct => _backend.SendAsync(name, text, ct)).ConfigureAwait(false);
            }
        });
        app.MapPost("/api/workers/{name}/kill", (HttpContext context, string name) => Run(context, ct => _backend.KillAsync(name, ct)));
        app.MapPost("/api/tickets/{id}/retry", (HttpContext context, string id) => Run(context, () => _backend.RetryTicket(id)));
        app.MapPost("/api/notifications/{id}/ack", (HttpContext context, string id) =>
            Baton.Core.Notify.NotificationId.Parse(id) is { } number
                ? Run(context, () => _backend.AcknowledgeNotification(number))
                : Error(context, StatusCodes.Status400BadRequest, $"'{id}' is not a notification id (N-12 or 12)"));
        ViewEndpoints.Map(app, this, _backend);
        if (_backend is ITerminalBackend terminals)
        {
            TerminalEndpoints.Map(app, this, terminals, _backend);
        }
    }

    /// <summary>Writes {"error": message} with <paramref name="status"/>.</summary>
    public static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorBody(message), WebJsonContext.Default.ErrorBody));
    }

    public Task Run(HttpContext context, Func<string> call) => Run(context, _ => Task.FromResult(call()));

    /// <summary>Runs <paramref name="call"/> under the same gate as the requests (the backend is not thread-safe).</summary>
    public async Task<T> ExclusiveAsync<T>(Func<T> call, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return call();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs one backend call under the gate and writes its JSON, or the error it ended in.</summary>
    public async Task Run(HttpContext context, Func<CancellationToken, Task<string>> call)
    {
        var ct = context.RequestAborted;
        string json;
        try
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            json = await call(ct).ConfigureAwait(false);
        }
        catch (DashboardNotFoundException e)
        {
            await Error(context, StatusCodes.Status404NotFound, _backend.Redact(e.Message)).ConfigureAwait(false);
            return;
        }
        catch (BatonException e)
        {
            // A usage error is the request's fault; any other is the state of the thing it names
            // (a dead session, a ticket that cannot move): a conflict, with Baton's own reason.
            await Error(context, e.ExitCode == BatonException.UsageExitCode ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict, _backend.Redact(e.Message)).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"baton dashboard: internal error on {context.Request.Path}: {_backend.Redact(e.ToString())}").ConfigureAwait(false);
            await Error(context, StatusCodes.Status500InternalServerError, $"internal error ({e.GetType().Name}); the dashboard's terminal has the details").ConfigureAwait(false);
            return;
        }
        finally
        {
            _gate.Release();
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json, ct).ConfigureAwait(false);
    }

    /// <summary>The "text" of a JSON body, or null once a 400 saying what was wrong is written.</summary>
    private static async Task<string?> ReadMessageAsync(HttpContext context)
    {
        var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            body.Write(buffer, 0, read);
            if (body.Length > MaxBodyBytes)
            {
                await Error(context, StatusCodes.Status400BadRequest, $"the message is over {MaxMessageBytes / 1024} KiB").ConfigureAwait(false);
                return null;
            }
        }

        SendBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body.GetBuffer().AsSpan(0, (int)body.Length), WebJsonContext.Default.SendBody);
        }
        catch (JsonException e)
        {
            await Error(context, StatusCodes.Status400BadRequest, "malformed JSON: " + e.Message).ConfigureAwait(false);
            return null;
        }

        if (parsed?.Text is not { Length: > 0 } text)
        {
            await Error(context, StatusCodes.Status400BadRequest, "say what to send: {\"text\": \"...\"}").ConfigureAwait(false);
            return null;
        }

        if (Encoding.UTF8.GetByteCount(text) > MaxMessageBytes)
        {
            await Error(context, StatusCodes.Status400BadRequest, $"the message is over {MaxMessageBytes / 1024} KiB").ConfigureAwait(false);
            return null;
        }

        return text;
    }
}
