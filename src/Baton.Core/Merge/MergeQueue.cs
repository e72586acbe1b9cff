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

    /// <summary>
    /// Queues a feature's integration branch (<c>feature/NAME/overseer</c>) to land in the
    /// feature's base branch (or <paramref name="target"/>); what an overseer does when the feature is
    /// complete. The gate runs on the merge result first.
    /// </summary>
    public (MergeRequest Request, bool Added) EnqueueFeature(string name, string? target, Func<string, string?> resolve, string? fallbackBase)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        var feature = _tickets.GetFeature(TicketService.ValidateFeatureName(name))
            ?? throw BatonException.Usage($"unknown feature '{name}': create its branches with `baton feature init {name}`");
        var branch = FeatureBranches.Overseer(feature.Name);
        if (resolve(branch) is null)
        {
            throw BatonException.Usage($"feature '{name}' has no branch {branch}: create it with `baton feature init {name}`");
        }

        var open = _merges.MergeRequests(openOnly: true).FirstOrDefault(m => m.Ticket is null && m.Branch == branch);
        if (open is not null)
        {
            return (open, false);
        }

        var into = target ?? feature.BaseBranch ?? fallbackBase ?? throw BatonException.Usage($"feature '{name}' has no base branch: give one with --into BRANCH");
        Git.GitRefName.ValidateBranch(into);
        if (resolve(into) is null)
        {
            throw BatonException.Usage($"target branch '{into}' does not exist");
        }

        var now = _time.GetUtcNow();
        var request = new MergeRequest { Branch = branch, Target = into, Status = MergeRequestStatus.Queued, Detail = "queued by hand: the gate runs on the merge result", CreatedAt = now, UpdatedAt = now };
        _merges.SaveMergeRequest(request, new EventRecord { Time = now, Type = EventTypes.MergeQueued, Feature = feature.Name, Message = $"feature {feature.Name}: {branch} queued to merge into {into}" });
        return (_merges.MergeRequests(openOnly: true).Last(m => m.Ticket is null && m.Branch == branch), true);
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

            request = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = into, Status = MergeRequestStatus.Queued, Detail = "queued by hand: the gate runs on the merge result", CreatedAt = now, UpdatedAt = now };
            return new TicketMutation(t with { Status = TicketStatus.Review, Target = t.Target ?? into, UpdatedAt = now },
                [new EventRecord { Time = now, Type = EventTypes.MergeQueued, Ticket = t.Id, Feature = t.Feature, Worker = t.Assignee, Message = $"{t.Id}: {t.Branch} queued by hand to merge into {into}" }])
            {
                MergeRequest = request,
            };
        });
        return (queued, _merges.MergeRequests(openOnly: true).Last(m => m.Ticket == number), true);
    }
}
