using System.Globalization;
using System.Text.Json;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Core.Tickets;

/// <summary>
/// Accepting a split an agent proposed (MCP propose_subtickets, a <c>subtickets_proposed</c>
/// event): its tickets are filed in one transaction, in the parent's feature, with the dependencies
/// it named (indexes in the proposal become the new tickets, T-n stay), and the acceptance is an
/// event, so a proposal is filed once.
/// </summary>
public sealed class SubticketAcceptance
{
    public const string Accepted = "subtickets_accepted";

    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly TimeProvider _time;

    public SubticketAcceptance(ITicketStore tickets, IStore store, TimeProvider time)
    {
        _tickets = tickets;
        _store = store;
        _time = time;
    }

    public IReadOnlyList<Ticket> Accept(long proposal, string by)
    {
        var e = _store.RecentEvents(new EventQuery(1, Type: EventTypes.SubticketsProposed, AfterId: proposal - 1)).FirstOrDefault(x => x.Id == proposal)
            ?? throw BatonException.Usage($"no proposal {proposal}: `baton events recent --type {EventTypes.SubticketsProposed}` lists them (the proposal is the event's id)");
        var id = proposal.ToString(CultureInfo.InvariantCulture);
        if (_store.RecentEvents(new EventQuery(10_000, Type: Accepted)).FirstOrDefault(a => a.Metadata?.GetValueOrDefault("proposal") == id) is { } done)
        {
            throw new BatonException($"proposal {proposal} was accepted already: {done.Message}");
        }

        var parent = e.Ticket is { } p ? _tickets.GetTicket(TicketId.Parse(p)) : null;
        var now = _time.GetUtcNow();
        using var doc = JsonDocument.Parse(e.Metadata?.GetValueOrDefault("tickets") ?? "[]");
        var items = doc.RootElement.EnumerateArray().Select(t => (
            Title: t.GetProperty("title").GetString() ?? "",
            Body: t.GetProperty("body").GetString() ?? "",
            DependsOn: t.GetProperty("depends_on").EnumerateArray().Select(d => d.GetString() ?? "").ToList())).ToList();
        if (items.Count == 0)
        {
            throw new BatonException($"proposal {proposal} holds no tickets");
        }

        // Dependencies first (the proposal was checked for cycles when it was made).
        var order = new List<int>();
        var placed = new HashSet<int>();
        while (order.Count < items.Count)
        {
            var next = Enumerable.Range(0, items.Count).FirstOrDefault(i => !placed.Contains(i) && Indexes(items[i].DependsOn).All(placed.Contains), -1);
            if (next < 0)
            {
                throw new BatonException($"proposal {proposal} has a dependency cycle: nothing filed");
            }

            order.Add(next);
            placed.Add(next);
        }

        var position = order.Select((item, at) => (item, at)).ToDictionary(x => x.item, x => x.at);
        var batch = order.Select(i =>
        {
            var existing = items[i].DependsOn.Where(d => !int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Select(TicketId.Parse).Distinct().ToList();
            var draft = new Ticket
            {
                Number = 0,
                Title = items[i].Title,
                Body = items[i].Body + (parent is null ? "" : $"\n\nPart of {parent.Id}: {parent.Title}"),
                Status = TicketStatus.Open,
                Priority = parent?.Priority ?? Priority.Medium,
                Labels = [],
                Feature = parent?.Feature,
                RoleWanted = parent?.RoleWanted,
                Source = "proposal",
                CreatedAt = now,
                UpdatedAt = now,
                DependsOn = existing,
            };
            return new NewTicket(draft, Indexes(items[i].DependsOn).Select(d => position[d]).Distinct().ToList());
        }).ToList();

        var created = _tickets.CreateTickets(batch,
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Feature = t.Feature, Message = $"{t.Id} created: {t.Title}", Metadata = new Dictionary<string, string> { ["source"] = "proposal", ["proposal"] = id } },
            all => new EventRecord
            {
                Time = now,
                Type = Accepted,
                Ticket = parent?.Id,
                Feature = parent?.Feature,
                Message = $"proposal {proposal} accepted by {by}: {string.Join(", ", all.Select(t => t.Id))} filed",
                Metadata = new Dictionary<string, string> { ["proposal"] = id, ["by"] = by, ["tickets"] = string.Join(",", all.Select(t => t.Id)) },
            });
        var filed = new Ticket[items.Count];
        for (var at = 0; at < order.Count; at++)
        {
            filed[order[at]] = created[at];
        }

        return filed;
    }

    private static IEnumerable<int> Indexes(IEnumerable<string> deps) =>
        deps.Where(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Select(d => int.Parse(d, CultureInfo.InvariantCulture));
}
