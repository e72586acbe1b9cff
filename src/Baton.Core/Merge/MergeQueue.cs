using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Merge;

/// <summary>
/// What people do with the merge queue: see it in order, and put a ticket's branch in it by hand
/// (`baton merge T-4`). The autopilot lands queued branches one at a time (GatesAndMerges); a
/// branch queued by hand passed no gate, so the gate always runs on its merge result.
/// </summary>
public sealed class MergeQueue
{
    private readonly ITicketStore _tickets;
    private readonly IMergeStore _merges;
    private readonly TimeProvider _time;

    public MergeQueue(ITicketStore tickets, IMergeStore merges, TimeProvider time)
    {
        _tickets = tickets;
        _merges = merges;
        _time = time;
    }

    /// <summary>Open requests in the order they land, then the latest finished ones.</summary>
    public IReadOnlyList<MergeRequest> List(int finished)
    {
        var all = _merges.MergeRequests(openOnly: false);
        return all.Where(m => m.IsOpen).Concat(all.Where(m => !m.IsOpen).OrderByDescending(m => m.UpdatedAt).Take(finished)).ToList();
    }

    public (Ticket Ticket, MergeRequest Request, bool Added) Enqueue(string id, string? target)
    {
        var number = TicketId.Parse(id);
        var open = _merges.MergeRequests(openOnly: true).FirstOrDefault(m => m.Ticket == number);
        var ticket = _tickets.GetTicket(number) ?? throw BatonException.Usage($"unknown ticket {TicketId.Format(number)}: `baton ticket list` shows the tickets");
        if (open is not null)
        {
            return (ticket, open, false);
        }

        if (ticket.Branch is null)
        {
            throw BatonException.Usage($"{ticket.Id} has no branch to merge: set one with `baton ticket update {ticket.Id} --branch NAME`");
        }

        if (ticket.Status.IsFinished())
        {
            throw BatonException.Usage($"{ticket.Id} is {ticket.Status.ToText()}: reopen it first (`baton ticket update {ticket.Id} --status open`)");
        }

        var into = target ?? ticket.Target ?? throw BatonException.Usage($"{ticket.Id} has no target branch yet: give one with --into BRANCH");
        Git.GitRefName.ValidateBranch(into);
        var now = _time.GetUtcNow();
        MergeRequest? request = null;
        var queued = _tickets.Mutate(number, t =>
        {
            if (!TicketRules.AllowedNext(t.Status).Contains(TicketStatus.Review) && t.Status != TicketStatus.Review)
            {
                throw BatonException.Usage($"{t.Id} is {t.Status.ToText()}; only a ticket in progress, testing or review can be merged");
            }

            request = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = into, Status = "queued", Detail = "queued by hand: the gate runs on the merge result", CreatedAt = now, UpdatedAt = now };
            return new TicketMutation(t with { Status = TicketStatus.Review, Target = t.Target ?? into, UpdatedAt = now },
                [new EventRecord { Time = now, Type = EventTypes.MergeQueued, Ticket = t.Id, Feature = t.Feature, Worker = t.Assignee, Message = $"{t.Id}: {t.Branch} queued by hand to merge into {into}" }])
            {
                MergeRequest = request,
            };
        });
        return (queued, _merges.MergeRequests(openOnly: true).Last(m => m.Ticket == number), true);
    }
}
