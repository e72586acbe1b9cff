using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Baton.Web;

/// <summary>
/// GET /api/events (a page of the log) and GET /api/stream (server-sent events whose id is the
/// event's sequence number, so a browser that reconnects with Last-Event-ID gets exactly what it
/// missed). Every stream waits on the one <see cref="EventHub"/>; none polls the store itself.
/// </summary>
internal sealed class EventStream
{
    private const int MaxLimit = 1000;
    private const int StreamBatch = 200;

    private readonly EventHub _hub;
    private readonly IDashboardBackend _backend;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private readonly CancellationToken _stopping;
    private int _open;

    /// <param name="stopping">The server is stopping: streams end at once instead of holding the shutdown for its grace period.</param>
    public EventStream(EventHub hub, IDashboardBackend backend, TimeProvider time, TimeSpan heartbeat, CancellationToken stopping)
    {
        _hub = hub;
        _backend = backend;
        _time = time;
        _heartbeat = heartbeat;
        _stopping = stopping;
    }

    /// <summary>Events after <paramref name="after"/>, oldest first; with no <paramref name="after"/>, the latest ones.</summary>
    public Task ListAsync(HttpContext context, long? after, int limit, EventFilter filter)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Endpoints.Error(context, StatusCodes.Status400BadRequest, $"limit must be between 1 and {MaxLimit}, not {limit}");
        }

        if (after is < 0)
        {
            return Endpoints.Error(context, StatusCodes.Status400BadRequest, $"after must be an event id (0 or more), not {after}");
        }

        IReadOnlyList<Baton.Core.Events.EventRecord> events;
        if (filter.Any)
        {
            // A filtered list is the latest matching events (after the id when given), oldest first.
            var (query, error) = filter.TryQuery(limit, after);
            if (query is null)
            {
                return Endpoints.Error(context, StatusCodes.Status400BadRequest, _backend.Redact(error!));
            }

            events = _hub.Matching(query);
        }
        else
        {
            events = after is { } id ? _hub.ReadStore(id, limit) : _hub.Latest(limit);
        }

        var json = new StringBuilder("[");
        foreach (var e in events)
        {
            json.Append(json.Length > 1 ? "," : "").Append(_backend.EventJson(e));
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json.Append(']').ToString(), context.RequestAborted);
    }

    /// <summary>Streams open now (pages watching).</summary>
    public int Open => Volatile.Read(ref _open);

    public async Task StreamAsync(HttpContext context, long? after)
    {
        Interlocked.Increment(ref _open);
        try
        {
            await StreamCoreAsync(context, after).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task StreamCoreAsync(HttpContext context, long? after)
    {
        var header = context.Request.Headers["Last-Event-ID"].ToString();
        long cursor;
        if (header.Length > 0)
        {
            if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
            {
                await Endpoints.Error(context, StatusCodes.Status400BadRequest, $"Last-Event-ID must be an event id, not '{header}'").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            cursor = after is >= 0 ? after.Value : _hub.LastId;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping);
        var ct = ends.Token;
        try
        {
            await response.WriteAsync("retry: 2000\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var batch = _hub.Read(cursor, StreamBatch);
                if (batch.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var e in batch)
                    {
                        text.Append("id: ").Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
                            .Append("data: ").Append(_backend.EventJson(e)).Append("\n\n");
                        cursor = e.Id;
                    }

                    await response.WriteAsync(text.ToString(), ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    continue;
                }

                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var woken = _hub.WaitAfterAsync(cursor, beat.Token);
                var idle = Task.Delay(_heartbeat, _time, beat.Token);
                if (await Task.WhenAny(woken, idle).ConfigureAwait(false) == idle)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }

                await beat.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The viewer left, or the server is stopping (the browser reconnects with Last-Event-ID).
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
        }
    }
}
