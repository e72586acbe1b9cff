using Baton.Core.Events;
using Baton.Core.Notify;
using Baton.Core.Storage;

namespace Baton.Core.Tests.Fakes;

/// <summary>The notification outbox and the event log in memory, with the store's semantics (dedup of open notices, cursor at the log's end on first use).</summary>
internal sealed class InMemoryOutbox : INotificationStore, IEventFeed
{
    private readonly object _lock = new();
    private readonly List<Delivery> _rows = [];
    private long? _cursor;

    public List<EventRecord> Events { get; } = [];

    public IReadOnlyList<Delivery> Rows
    {
        get
        {
            lock (_lock)
            {
                return [.. _rows];
            }
        }
    }

    public IEnumerable<EventRecord> OfType(string type)
    {
        lock (_lock)
        {
            return Events.Where(e => e.Type == type).ToList();
        }
    }

    /// <summary>An event "another process" appended to the log.</summary>
    public EventRecord Append(EventRecord e)
    {
        lock (_lock)
        {
            var numbered = e with { Id = Events.Count + 1 };
            Events.Add(numbered);
            return numbered;
        }
    }

    public long Cursor()
    {
        lock (_lock)
        {
            return _cursor ??= Events.Count;
        }
    }

    public IReadOnlyList<Delivery> Ingest(IReadOnlyList<Delivery> drafts, long cursor)
    {
        lock (_lock)
        {
            var added = new List<Delivery>();
            foreach (var d in drafts)
            {
                if (!_rows.Any(r => r.Rule == d.Rule && r.Notice.DedupKey == d.Notice.DedupKey && r.Status != DeliveryStatus.Acked))
                {
                    var row = d with { Id = _rows.Count + 1 };
                    _rows.Add(row);
                    added.Add(row);
                }
            }

            _cursor = Math.Max(_cursor ?? 0, cursor);
            return added;
        }
    }

    public Delivery Add(Delivery draft, Func<Delivery, EventRecord> added)
    {
        lock (_lock)
        {
            var row = draft with { Id = _rows.Count + 1 };
            _rows.Add(row);
            Append(added(row));
            return row;
        }
    }

    public void Update(Delivery next, EventRecord happened)
    {
        lock (_lock)
        {
            var i = _rows.FindIndex(r => r.Id == next.Id);
            _rows[i] = next;
            Append(happened);
        }
    }

    public Delivery? Get(long id)
    {
        lock (_lock)
        {
            return _rows.FirstOrDefault(r => r.Id == id);
        }
    }

    public IReadOnlyList<Delivery> Due(DateTimeOffset now, int limit)
    {
        lock (_lock)
        {
            return _rows.Where(r => r.Status == DeliveryStatus.Queued && r.NextAttemptAt <= now).OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id).Take(limit).ToList();
        }
    }

    public IReadOnlyList<Delivery> List(DeliveryStatus? status, int limit)
    {
        lock (_lock)
        {
            return _rows.Where(r => status is null || r.Status == status).OrderByDescending(r => r.Id).Take(limit).ToList();
        }
    }

    public IReadOnlyList<EventRecord> EventsAfter(long afterId, int limit)
    {
        lock (_lock)
        {
            return Events.Where(e => e.Id > afterId).OrderBy(e => e.Id).Take(limit).ToList();
        }
    }

    public long LastEventId()
    {
        lock (_lock)
        {
            return Events.Count;
        }
    }
}
