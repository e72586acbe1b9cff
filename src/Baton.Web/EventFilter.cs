using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Web;

/// <summary>GET /api/events?ticket=&amp;worker=&amp;type=: which events a list keeps (exact matches, as `baton events recent` filters). The stream itself is never filtered.</summary>
internal sealed record EventFilter(string? Ticket, string? Worker, string? Type)
{
    public bool Any => Ticket is { Length: > 0 } || Worker is { Length: > 0 } || Type is { Length: > 0 };

    /// <summary>The store query: the latest <paramref name="limit"/> matching events (after <paramref name="after"/>), oldest first; a usage error for a bad ticket or worker name.</summary>
    public EventQuery Query(int limit, long? after)
    {
        var worker = Worker is { Length: > 0 } w ? w.Trim() : null;
        if (worker is not null)
        {
            WorkerName.Validate(worker);
        }

        var ticket = Ticket is { Length: > 0 } t ? TicketId.Normalize(t.Trim()) : null;
        return new EventQuery(limit, worker, Type is { Length: > 0 } type ? type.Trim() : null, ticket, AfterId: after);
    }

    /// <summary>The query, or the reason it is bad input.</summary>
    public (EventQuery? Query, string? Error) TryQuery(int limit, long? after)
    {
        try
        {
            return (Query(limit, after), null);
        }
        catch (BatonException e)
        {
            return (null, e.Message);
        }
    }
}
