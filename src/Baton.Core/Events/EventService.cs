using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Events;

/// <summary>
/// The event log as front doors read and write it: checked queries, following new events (the CLI's
/// --follow, a page's server-sent events), events appended by people and scripts, redacted, and
/// bulk imports in batches.
/// </summary>
public sealed partial class EventService
{
    /// <summary>How often a follower looks for new events.</summary>
    public static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(500);

    private const int ImportBatch = 10_000;
    private const int FollowBatch = 10_000;

    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly Redactor _redactor;

    public EventService(IStore store, TimeProvider time, Redactor redactor)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(redactor);
        _store = store;
        _time = time;
        _redactor = redactor;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$")]
    private static partial Regex MetaKey();

    [GeneratedRegex("^[a-z][a-z0-9_]{1,47}$")]
    private static partial Regex EventType();

    /// <summary>A checked query: count in 1..100000, a valid worker name, a ticket id, since as a time or a duration ago.</summary>
    public EventQuery Query(int count, string? worker = null, string? type = null, string? ticket = null, string? since = null)
    {
        if (count is < 1 or > 100_000)
        {
            throw BatonException.Usage($"count must be between 1 and 100000, not {count}");
        }

        if (worker is not null)
        {
            WorkerName.Validate(worker);
        }

        return new EventQuery(count, worker, type, ticket is { } t ? TicketId.Normalize(t) : null, since is { } s ? Since(s, _time.GetUtcNow()) : null);
    }

    public IReadOnlyList<EventRecord> Recent(EventQuery query) => _store.RecentEvents(query);

    /// <summary>
    /// The backlog of <paramref name="query"/>, then every matching event written after it, in
    /// batches as they come (polled every <see cref="FollowPoll"/>), until cancelled. The newest id is
    /// read first and the backlog cut at it, so an event written meanwhile comes exactly once.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<EventRecord>> FollowAsync(EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var last = _store.RecentEvents(new EventQuery(1)).LastOrDefault()?.Id ?? 0;
        yield return _store.RecentEvents(query).Where(e => e.Id <= last).ToList();
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(FollowPoll, _time, ct).ConfigureAwait(false);
            var fresh = _store.RecentEvents(query with { Count = FollowBatch, AfterId = last, Since = null });
            if (fresh.Count > 0)
            {
                last = fresh[^1].Id;
                yield return fresh;
            }
        }
    }

    /// <summary>Appends one event after checking its type, worker and metadata; the message and values are redacted.</summary>
    public void Log(EventLogRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EventType().IsMatch(request.Type))
        {
            throw BatonException.Usage($"invalid event type '{request.Type}': use 2-48 lowercase letters, digits or '_', starting with a letter");
        }

        if (request.Worker is not null)
        {
            WorkerName.Validate(request.Worker);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Meta)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq < 1 || !MetaKey().IsMatch(pair[..eq]))
            {
                throw BatonException.Usage($"invalid --meta '{pair}': write KEY=VALUE with a key of lowercase letters, digits or '_'");
            }

            metadata[pair[..eq]] = _redactor.Redact(pair[(eq + 1)..]);
        }

        _store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = request.Type,
            Worker = request.Worker,
            // T-3 and 3 name the same ticket; stored as the log writes it elsewhere (T-3), so
            // `events recent --ticket` finds it.
            Ticket = request.Ticket is null ? null : TicketId.Normalize(request.Ticket),
            Feature = request.Feature is null ? null : TicketService.ValidateFeatureName(request.Feature),
            Role = request.Role,
            Commit = request.Commit,
            Message = _redactor.Redact(request.Message),
            Metadata = metadata.Count == 0 ? null : metadata,
        });
    }

    /// <summary>Appends one event per JSON line of <paramref name="reader"/> (named <paramref name="source"/> in errors), in batches; returns how many.</summary>
    public async Task<int> ImportAsync(TextReader reader, string source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var batch = new List<EventRecord>(ImportBatch);
        var total = 0;
        var lineNumber = 0;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            EventImportLine? e;
            try
            {
                e = JsonSerializer.Deserialize(line, EventImportJsonContext.Default.EventImportLine);
            }
            catch (JsonException x)
            {
                throw BatonException.Usage($"{source}:{lineNumber}: not an event: {x.Message}");
            }

            if (e?.Type is null || !EventType().IsMatch(e.Type))
            {
                throw BatonException.Usage($"{source}:{lineNumber}: 'type' is missing or not lowercase letters, digits and '_'");
            }

            batch.Add(new EventRecord
            {
                Time = _time.GetUtcNow(),
                Type = e.Type,
                Message = _redactor.Redact(e.Message ?? ""),
                Worker = e.Worker,
                Ticket = e.Ticket,
                Commit = e.Commit,
            });
            if (batch.Count == ImportBatch)
            {
                total += _store.AppendEvents(batch);
                batch.Clear();
            }
        }

        total += _store.AppendEvents(batch);
        return total;
    }

    private static DateTimeOffset Since(string text, DateTimeOffset now)
    {
        var t = text.Trim();
        if (Config.Durations.Parse(t, bareSeconds: false) is { } ago)
        {
            return now - ago;
        }

        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw BatonException.Usage($"invalid --since '{text}': give a time (2026-11-22T10:00:00Z) or a duration ago (30s, 10m, 2h, 1d)");
    }
}
