namespace Baton.Core.Tickets;

/// <summary>The rules tickets follow: which moves are legal, when work may start, in what order, and no dependency cycles.</summary>
public static class TicketRules
{
    private static readonly IReadOnlyList<TicketStatus> FromOpen = Array.AsReadOnly(
        [TicketStatus.Queued, TicketStatus.InProgress, TicketStatus.Blocked, TicketStatus.Cancelled, TicketStatus.Done]);

    private static readonly IReadOnlyList<TicketStatus> FromQueued = Array.AsReadOnly(
        [TicketStatus.Open, TicketStatus.InProgress, TicketStatus.Blocked, TicketStatus.Cancelled]);

    private static readonly IReadOnlyList<TicketStatus> FromInProgress = Array.AsReadOnly(
    [
        TicketStatus.Open, TicketStatus.Queued, TicketStatus.Testing, TicketStatus.Review,
        TicketStatus.Done, TicketStatus.Blocked, TicketStatus.Failed, TicketStatus.Cancelled,
    ]);

    private static readonly IReadOnlyList<TicketStatus> FromTesting = Array.AsReadOnly(
        [TicketStatus.InProgress, TicketStatus.Review, TicketStatus.Done, TicketStatus.Blocked, TicketStatus.Failed]);

    private static readonly IReadOnlyList<TicketStatus> FromReview = Array.AsReadOnly(
        [TicketStatus.InProgress, TicketStatus.Testing, TicketStatus.Done, TicketStatus.Failed]);

    private static readonly IReadOnlyList<TicketStatus> FromBlocked = Array.AsReadOnly(
        [TicketStatus.Open, TicketStatus.Queued, TicketStatus.InProgress, TicketStatus.Done, TicketStatus.Failed, TicketStatus.Cancelled]);

    private static readonly IReadOnlyList<TicketStatus> FromFailed = Array.AsReadOnly(
        [TicketStatus.Open, TicketStatus.Queued, TicketStatus.Cancelled]);

    // Finished tickets only come back by being reopened, so their history stays readable.
    private static readonly IReadOnlyList<TicketStatus> Reopen = Array.AsReadOnly([TicketStatus.Open]);

    public static IReadOnlyList<TicketStatus> AllowedNext(TicketStatus from) => from switch
    {
        TicketStatus.Open => FromOpen,
        TicketStatus.Queued => FromQueued,
        TicketStatus.InProgress => FromInProgress,
        TicketStatus.Testing => FromTesting,
        TicketStatus.Review => FromReview,
        TicketStatus.Blocked => FromBlocked,
        TicketStatus.Failed => FromFailed,
        TicketStatus.Done or TicketStatus.Cancelled => Reopen,
        _ => throw new ArgumentOutOfRangeException(nameof(from), from, null),
    };

    /// <summary>Throws a usage error unless <paramref name="ticket"/> may move to <paramref name="to"/>; staying put is always allowed.</summary>
    public static void EnsureTransition(Ticket ticket, TicketStatus to)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var from = ticket.Status;
        var allowed = AllowedNext(from);
        if (from == to || allowed.Contains(to))
        {
            return;
        }

        throw BatonException.Usage(
            $"cannot move {ticket.Id} from {from.ToText()} to {to.ToText()}; " +
            $"from {from.ToText()} it can go to: {string.Join(", ", allowed.Select(s => s.ToText()))}");
    }

    /// <summary>
    /// True when the ticket waits to be started (open or queued) and every dependency is done.
    /// A dependency missing from <paramref name="statusOf"/> counts as not done: better to wait than to start too early.
    /// </summary>
    public static bool IsReady(Ticket ticket, IReadOnlyDictionary<long, TicketStatus> statusOf)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(statusOf);
        return ticket.Status is TicketStatus.Open or TicketStatus.Queued
            && ticket.DependsOn.All(d => statusOf.TryGetValue(d, out var s) && s == TicketStatus.Done);
    }

    /// <summary>
    /// With stacked dependents: the one dependency the ticket may start on top of while it waits to
    /// merge (it passed its gate: <c>review</c>), when every other dependency is done; else null.
    /// </summary>
    public static long? StackParent(Ticket ticket, IReadOnlyDictionary<long, TicketStatus> statusOf)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(statusOf);
        if (ticket.Status is not (TicketStatus.Open or TicketStatus.Queued))
        {
            return null;
        }

        var notDone = ticket.DependsOn.Distinct().Where(d => !statusOf.TryGetValue(d, out var s) || s != TicketStatus.Done).ToList();
        return notDone.Count == 1 && statusOf.TryGetValue(notDone[0], out var parent) && parent == TicketStatus.Review ? notDone[0] : null;
    }

    /// <summary>The dependencies that failed or were cancelled, which will never release the ticket; ascending.</summary>
    public static IReadOnlyList<long> BlockedBy(Ticket ticket, IReadOnlyDictionary<long, TicketStatus> statusOf)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(statusOf);
        return ticket.DependsOn
            .Where(d => statusOf.TryGetValue(d, out var s) && s is TicketStatus.Failed or TicketStatus.Cancelled)
            .Distinct()
            .Order()
            .ToArray();
    }

    /// <summary>Most urgent first, then oldest, then lowest number so the order never depends on the input's.</summary>
    public static IReadOnlyList<Ticket> DispatchOrder(IEnumerable<Ticket> tickets)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        return tickets
            .OrderBy(t => t.Priority)
            .ThenBy(t => t.CreatedAt)
            .ThenBy(t => t.Number)
            .ToArray();
    }

    /// <summary>
    /// Checks whether making <paramref name="ticket"/> depend on <paramref name="newDependencies"/> closes a cycle in
    /// <paramref name="dependsOn"/> (ticket number to the numbers it depends on). Returns null if not, otherwise the
    /// shortest such cycle as a path that starts and ends with <paramref name="ticket"/>, e.g. [1, 2, 3, 1].
    /// </summary>
    public static IReadOnlyList<long>? FindCycle(
        IReadOnlyDictionary<long, IReadOnlyList<long>> dependsOn, long ticket, IEnumerable<long> newDependencies)
    {
        ArgumentNullException.ThrowIfNull(dependsOn);
        ArgumentNullException.ThrowIfNull(newDependencies);

        // The new edges all leave `ticket`, so a new cycle exists exactly when `ticket` is reachable from one of the
        // new dependencies. Breadth-first with an explicit queue: no recursion, so long chains cannot overflow the
        // stack, and the path found is the shortest. `visited` is shared across dependencies because a node that could
        // not reach `ticket` from one start cannot reach it from another.
        var parent = new Dictionary<long, long>();
        var visited = new HashSet<long>();
        var queue = new Queue<long>();
        foreach (var start in newDependencies)
        {
            if (start == ticket)
            {
                return [ticket, ticket];
            }

            if (!visited.Add(start))
            {
                continue;
            }

            queue.Clear();
            queue.Enqueue(start);
            while (queue.TryDequeue(out var node))
            {
                if (!dependsOn.TryGetValue(node, out var next))
                {
                    continue;
                }

                foreach (var dep in next)
                {
                    if (dep == ticket)
                    {
                        return PathBack(parent, ticket, node);
                    }

                    if (visited.Add(dep))
                    {
                        parent[dep] = node;
                        queue.Enqueue(dep);
                    }
                }
            }
        }

        return null;
    }

    // Walks parent links from the last node back to the start of its search, then frames the path with `ticket`.
    private static long[] PathBack(Dictionary<long, long> parent, long ticket, long last)
    {
        var path = new List<long> { ticket };
        for (var node = last; ; node = parent[node])
        {
            path.Add(node);
            if (!parent.ContainsKey(node))
            {
                break;
            }
        }

        path.Reverse(1, path.Count - 1);
        path.Add(ticket);
        return path.ToArray();
    }

    public static string DescribeCycle(IReadOnlyList<long> cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        return string.Join(" -> ", cycle.Select(TicketId.Format));
    }
}
