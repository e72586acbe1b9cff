using System.Globalization;
using System.Text;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The overseer's status file of one feature, <c>.baton/features/NAME/overseer.md</c>: each
/// implementor branch with the ticket on it now (status, worker and its state) and how many of its
/// tickets landed and wait; what waits for the overseer (a ticket testing or in review on its way
/// into the integration branch); what is blocked or failed. Pure, from the store's rows, so the loop
/// rewrites it as the feature's tickets move at no cost in git calls.
/// </summary>
public static class OverseerStatus
{
    /// <summary>The implementor a ticket works for, from its branch <c>feature/F/impl-NAME</c>; null for other tickets.</summary>
    public static string? ImplementorOf(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var prefix = $"feature/{ticket.Feature}/impl-";
        return ticket.Feature is not null && FeatureBranches.IsLongLived(ticket.Branch) && ticket.Branch!.StartsWith(prefix, StringComparison.Ordinal)
            ? ticket.Branch[prefix.Length..]
            : null;
    }

    /// <summary>The page; null when no ticket of the feature works on an implementor branch (the model is not in use there).</summary>
    public static string? Render(string feature, IReadOnlyList<Ticket> tickets, IReadOnlyList<Worker> workers)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(workers);
        var mine = tickets.Where(t => t.Feature == feature).OrderBy(t => t.Number).ToList();
        var byImplementor = mine.Select(t => (Ticket: t, Implementor: ImplementorOf(t))).Where(x => x.Implementor is not null)
            .GroupBy(x => x.Implementor!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (byImplementor.Count == 0)
        {
            return null;
        }

        var live = workers.Where(w => w.State.IsLive()).ToDictionary(w => w.Name, StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Overseer status: {feature}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Integration branch: {FeatureBranches.Overseer(feature)}\n");
        var counts = mine.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToText()}");
        sb.Append("Tickets: ").Append(string.Join(", ", counts)).Append("\n\n");

        sb.Append("## Implementors\n\n| implementor | branch | now | worker | landed | waiting |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var g in byImplementor)
        {
            var list = g.Select(x => x.Ticket).ToList();
            // The one on the branch now: started and not finished (they take turns on one branch).
            var now = list.FirstOrDefault(t => !t.Status.IsFinished() && t.Worktree is not null);
            var worker = now?.Assignee is { } a ? live.TryGetValue(a, out var w) ? $"{a} ({w.State.ToText()})" : a : "-";
            var waiting = list.Where(t => !t.Status.IsFinished() && t != now).Select(t => t.Id).ToList();
            sb.Append(CultureInfo.InvariantCulture, $"| {g.Key} | {FeatureBranches.Implementor(feature, g.Key)} | {(now is null ? "-" : $"{now.Id} {Cell(now.Title)} ({now.Status.ToText()})")} | {worker} | {list.Count(t => t.Status == TicketStatus.Done)} | {(waiting.Count == 0 ? "-" : string.Join(", ", waiting))} |\n");
        }

        Section(sb, "Waiting for the overseer", "testing or in review, on the way into the integration branch",
            mine.Where(t => t.Status is TicketStatus.Testing or TicketStatus.Review));
        Section(sb, "Blocked", null, mine.Where(t => t.Status == TicketStatus.Blocked));
        Section(sb, "Failed", "their work stays on their branch", mine.Where(t => t.Status == TicketStatus.Failed));
        var others = mine.Count(t => ImplementorOf(t) is null);
        if (others > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n{others} other ticket{(others == 1 ? "" : "s")} of the feature on branches of their own (see tasks.md).\n");
        }

        return sb.ToString();
    }

    private static void Section(StringBuilder sb, string title, string? why, IEnumerable<Ticket> tickets)
    {
        var list = tickets.ToList();
        if (list.Count == 0)
        {
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"\n## {title}\n\n");
        if (why is not null)
        {
            sb.Append('(').Append(why).Append(")\n\n");
        }

        foreach (var t in list)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- {t.Id} {Cell(t.Title)} — {t.Branch ?? "-"}{(t.Note is { Length: > 0 } note ? ": " + Cell(note) : "")}\n");
        }
    }

    private static string Cell(string text) => text.Replace('|', '/').Replace('\n', ' ');
}
