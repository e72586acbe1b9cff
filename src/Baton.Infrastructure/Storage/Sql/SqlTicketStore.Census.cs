using Baton.Core.Tickets;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>
/// The ticket store's counting queries: what `status` and the budgets need from every ticket,
/// read as numbers and statuses instead of whole rows, so they stay cheap at 100,000 tickets.
/// </summary>
public sealed partial class SqlTicketStore
{
    /// <summary>
    /// Open or queued, with every dependency done: the rule <see cref="TicketRules.IsReady"/> states,
    /// as the store keeps it (schema 16: the ready column, moved by triggers), on alias t.
    /// </summary>
    private const string ReadyCondition = "t.ready = 1";

    /// <summary>Not done, failed or cancelled, named as the statuses it takes (an IN list the status index serves, where NOT IN scans).</summary>
    private static readonly string UnfinishedCondition = "status IN (" + string.Join(", ", TicketStatuses.All.Where(s => !s.IsFinished()).Select(s => "'" + s.ToText() + "'")) + ")";

    public IReadOnlyDictionary<TicketStatus, int> StatusCounts(string? feature)
    {
        using var cmd = _db.Command("SELECT status, count(*) FROM tickets WHERE (@feature IS NULL OR feature = @feature) GROUP BY status");
        SqlStore.Bind(cmd, "@feature", feature);
        using var r = cmd.ExecuteReader();
        var counts = new Dictionary<TicketStatus, int>();
        while (r.Read())
        {
            counts[TicketStatuses.FromStored(r.GetString(0))] = SqlStore.Int32(r, 1);
        }

        return counts;
    }

    public IReadOnlyList<long> ReadyNumbers(string? feature)
    {
        using var cmd = _db.Command($"""
            SELECT t.number FROM tickets t
            WHERE {ReadyCondition} AND (@feature IS NULL OR t.feature = @feature)
            ORDER BY t.priority_rank, t.created_at, t.number
            """);
        SqlStore.Bind(cmd, "@feature", feature);
        return Numbers(cmd);
    }

    public IReadOnlyList<(long Ticket, long DependsOn)> StuckDependencies(string? feature)
    {
        // The rule of TicketRules.BlockedBy: a dependency that failed or was cancelled holds its
        // dependent until a person acts (a dependency still under way only makes it not ready).
        using var cmd = _db.Command("""
            SELECT d.ticket, d.depends_on FROM ticket_dependencies d
            JOIN tickets p ON p.number = d.depends_on
            JOIN tickets t ON t.number = d.ticket
            WHERE p.status IN ('failed', 'cancelled') AND (@feature IS NULL OR t.feature = @feature)
            ORDER BY d.ticket, d.depends_on
            """);
        SqlStore.Bind(cmd, "@feature", feature);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, long)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetInt64(1)));
        }

        return list;
    }

    public IReadOnlyDictionary<long, TicketStatus> Statuses(IReadOnlyCollection<long> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var map = new Dictionary<long, TicketStatus>();
        if (numbers.Count == 0)
        {
            return map;
        }

        // The numbers are the store's own integers, written in as such (no text reaches the SQL).
        using var cmd = _db.Command("SELECT number, status FROM tickets WHERE number IN ("
            + string.Join(",", numbers.Distinct().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")");
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            map[r.GetInt64(0)] = TicketStatuses.FromStored(r.GetString(1));
        }

        return map;
    }

    public IReadOnlyList<long> Numbers(TicketStatus status)
    {
        using var cmd = _db.Command("SELECT number FROM tickets WHERE status = @status ORDER BY number");
        SqlStore.Bind(cmd, "@status", status.ToText());
        return Numbers(cmd);
    }

    public IReadOnlyList<(long Ticket, string Worktree)> Worktrees()
    {
        using var cmd = _db.Command("SELECT number, worktree FROM tickets WHERE worktree IS NOT NULL ORDER BY number");
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetString(1)));
        }

        return list;
    }

    private static List<long> Numbers(System.Data.Common.DbCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<long>();
        while (r.Read())
        {
            list.Add(r.GetInt64(0));
        }

        return list;
    }
}
