using System.Text.Json;
using Baton.Core;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using System.Data.Common;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Tickets, dependencies and features in the same store (and transactions) as events.</summary>
public sealed partial class SqlTicketStore : ITicketStore
{
    private readonly SqlStore _db;

    public SqlTicketStore(SqlStore db)
    {
        _db = db;
    }

    public Ticket CreateTicket(Ticket draft, Func<Ticket, EventRecord> created)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(created);
        Ticket? result = null;
        _db.Write(() => result = Insert(draft, created));
        return result!;
    }

    public IReadOnlyList<Ticket> CreateTickets(IReadOnlyList<NewTicket> tickets, Func<Ticket, EventRecord> created, Func<IReadOnlyList<Ticket>, EventRecord> filed)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(created);
        ArgumentNullException.ThrowIfNull(filed);
        var result = new List<Ticket>();
        _db.Write(() =>
        {
            result.Clear();
            for (var i = 0; i < tickets.Count; i++)
            {
                var (draft, after) = (tickets[i].Draft, tickets[i].After);
                if (after.Any(a => a < 0 || a >= i))
                {
                    throw new ArgumentException($"entry {i} of the batch depends on an entry that is not before it", nameof(tickets));
                }

                result.Add(Insert(draft with { DependsOn = draft.DependsOn.Concat(after.Select(a => result[a].Number)).ToList() }, created));
            }

            _db.Insert(filed(result));
        });
        return result;
    }

    /// <summary>The insert of one ticket, inside the caller's transaction.</summary>
    private Ticket Insert(Ticket draft, Func<Ticket, EventRecord> created)
    {
        if (draft.Feature is not null && GetFeature(draft.Feature) is null)
        {
            throw BatonException.Usage($"unknown feature '{draft.Feature}': add it first with `baton feature add {draft.Feature} \"TITLE\"`");
        }

        foreach (var dep in draft.DependsOn.Distinct())
        {
            if (GetTicket(dep) is null)
            {
                throw BatonException.Usage($"{TicketId.Format(dep)} does not exist, so nothing can depend on it");
            }
        }

        if (draft.ExternalId is not null && GetTicketByExternalId(draft.ExternalId) is { } existing)
        {
            throw new BatonException($"{draft.ExternalId} was already imported as {existing.Id}");
        }

        using var cmd = _db.Command("INSERT INTO tickets (title, status, priority, priority_rank, created_at, updated_at) VALUES ('', 'open', 'medium', 2, @t, @t) RETURNING number");
        SqlStore.Bind(cmd, "@t", SqlStore.Format(draft.CreatedAt));
        var number = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        var ticket = draft with { Number = number, DependsOn = draft.DependsOn.Distinct().Order().ToList() };
        Save(ticket);
        foreach (var dep in ticket.DependsOn)
        {
            AddDependency(number, dep);
        }

        _db.Insert(created(ticket));
        return ticket;
    }

    public Ticket? GetTicket(long number)
    {
        using var cmd = _db.Command("SELECT * FROM tickets WHERE number = @n");
        SqlStore.Bind(cmd, "@n", number);
        return ReadAll(cmd).FirstOrDefault();
    }

    public Ticket? GetTicketByExternalId(string externalId)
    {
        using var cmd = _db.Command("SELECT * FROM tickets WHERE external_id = @e");
        SqlStore.Bind(cmd, "@e", externalId);
        return ReadAll(cmd).FirstOrDefault();
    }

    public IReadOnlyList<Ticket> ListTickets(TicketQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Only the filters given go into the WHERE clause: "@status IS NULL OR status = @status"
        // keeps the planner off the status and feature indexes, a scan of every row per call.
        var where = new List<string>();
        using var cmd = _db.Command("");
        if (query.Status is { } status)
        {
            where.Add("status = @status");
            SqlStore.Bind(cmd, "@status", status.ToText());
        }
        else if (query.Unfinished)
        {
            where.Add(UnfinishedCondition);
        }

        if (query.Feature is { } feature)
        {
            where.Add("feature = @feature");
            SqlStore.Bind(cmd, "@feature", feature);
        }

        if (query.Assignee is { } assignee)
        {
            where.Add("assignee = @assignee");
            SqlStore.Bind(cmd, "@assignee", assignee);
        }

        if (query.Label is { } label)
        {
            where.Add(_db.JsonArrayHas("tickets.labels", "@label"));
            SqlStore.Bind(cmd, "@label", label);
        }

        if (query.Limit is { } limit)
        {
            SqlStore.Bind(cmd, "@limit", limit);
        }

        cmd.CommandText = "SELECT * FROM tickets" + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))
            + " ORDER BY number" + (query.Limit is null ? "" : " LIMIT @limit");
        return ReadAll(cmd);
    }

    public IReadOnlyList<Ticket> ReadyTickets(int limit) => ReadyTickets(limit, new TicketQuery());

    public IReadOnlyList<Ticket> ReadyTickets(int limit, TicketQuery filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // The dispatch index (status, priority_rank, created_at, number) serves both the filter
        // and the order; the NOT EXISTS probes the dependency primary key. The filter is applied
        // before the limit, so a feature's ready tickets are not cut by other features' ones.
        using var cmd = _db.Command($"""
            SELECT * FROM tickets t
            WHERE {ReadyCondition}
              AND (@status IS NULL OR t.status = @status)
              AND (@feature IS NULL OR t.feature = @feature)
              AND (@assignee IS NULL OR t.assignee = @assignee)
              AND (@label IS NULL OR {_db.JsonArrayHas("t.labels", "@label")})
            ORDER BY t.priority_rank, t.created_at, t.number
            LIMIT @limit
            """);
        SqlStore.Bind(cmd, "@status", filter.Status?.ToText());
        SqlStore.Bind(cmd, "@feature", filter.Feature);
        SqlStore.Bind(cmd, "@assignee", filter.Assignee);
        SqlStore.Bind(cmd, "@label", filter.Label);
        SqlStore.Bind(cmd, "@limit", limit);
        return ReadAll(cmd);
    }

    public IReadOnlyDictionary<long, TicketStatus> Statuses()
    {
        using var cmd = _db.Command("SELECT number, status FROM tickets");
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<long, TicketStatus>();
        while (r.Read())
        {
            map[r.GetInt64(0)] = TicketStatuses.FromStored(r.GetString(1));
        }

        return map;
    }

    public IReadOnlyList<long> Dependents(long number)
    {
        using var cmd = _db.Command("SELECT ticket FROM ticket_dependencies WHERE depends_on = @n ORDER BY ticket");
        SqlStore.Bind(cmd, "@n", number);
        using var r = cmd.ExecuteReader();
        var list = new List<long>();
        while (r.Read())
        {
            list.Add(r.GetInt64(0));
        }

        return list;
    }

    public IReadOnlyDictionary<long, IReadOnlyList<long>> AllDependents()
    {
        using var cmd = _db.Command("SELECT depends_on, ticket FROM ticket_dependencies ORDER BY depends_on, ticket");
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<long, List<long>>();
        while (r.Read())
        {
            var parent = r.GetInt64(0);
            (map.TryGetValue(parent, out var l) ? l : map[parent] = []).Add(r.GetInt64(1));
        }

        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<long>)kv.Value);
    }

    public Ticket Mutate(long number, Func<Ticket, TicketMutation> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Ticket? result = null;
        _db.Write(() => result = Apply(number, change));
        return result!;
    }

    /// <summary>The body of <see cref="Mutate"/>, inside a write transaction the caller holds (lease expiry re-queues with it).</summary>
    internal Ticket Apply(long number, Func<Ticket, TicketMutation> change)
    {
        var current = GetTicket(number) ?? throw BatonException.Usage($"unknown ticket {TicketId.Format(number)}: `baton ticket list` shows the tickets");
        var mutation = change(current);
        if (mutation.Fence is { } fence)
        {
            SqlLeases.CheckFence(_db, number, fence);
        }

        var next = mutation.Next with { Number = number };
        if (mutation.Lease is { } claim)
        {
            // Before any write: a ticket row another claim has locked is skipped, not waited for.
            SqlLeases.Take(_db, number, next.Assignee ?? throw new InvalidOperationException("a lease needs an assignee"), claim);
        }

        if (mutation.NewDependencies is { Count: > 0 } deps)
        {
            foreach (var dep in deps)
            {
                if (GetTicket(dep) is null)
                {
                    throw BatonException.Usage($"{TicketId.Format(dep)} does not exist, so nothing can depend on it");
                }
            }

            var cycle = TicketRules.FindCycle(DependencyGraph(), number, deps);
            if (cycle is not null)
            {
                throw BatonException.Usage($"refused: that dependency would make a cycle: {TicketRules.DescribeCycle(cycle)}");
            }

            foreach (var dep in deps.Distinct())
            {
                AddDependency(number, dep);
            }

            next = next with { DependsOn = current.DependsOn.Concat(deps).Distinct().Order().ToList() };
        }

        if (mutation.RemovedDependencies is { Count: > 0 } removed)
        {
            foreach (var dep in removed.Distinct())
            {
                using var delete = _db.Command("DELETE FROM ticket_dependencies WHERE ticket = @t AND depends_on = @d");
                SqlStore.Bind(delete, "@t", number);
                SqlStore.Bind(delete, "@d", dep);
                delete.ExecuteNonQuery();
            }

            next = next with { DependsOn = next.DependsOn.Except(removed).ToList() };
        }

        Save(next);
        TrackBlocker(current, next, mutation.Blocker);
        if (mutation.MergeRequest is { } mr)
        {
            SqlMergeStore.Save(_db, mr);
        }

        foreach (var e in mutation.Events)
        {
            _db.Insert(e);
        }

        if (mutation.Lease is null && next.Status is not (TicketStatus.InProgress or TicketStatus.Testing))
        {
            // The work left the node (review, done, failed, cancelled, back to the queue): its lease goes with it.
            SqlLeases.Release(_db, number, next.UpdatedAt);
        }

        return next;
    }

    public Feature AddFeature(Feature feature, EventRecord added)
    {
        ArgumentNullException.ThrowIfNull(feature);
        _db.Write(() =>
        {
            if (GetFeature(feature.Name) is not null)
            {
                throw BatonException.Usage($"feature '{feature.Name}' already exists");
            }

            using var cmd = _db.Command("INSERT INTO features (name, title, description, base_branch, status, created_at, updated_at) VALUES (@n, @t, @d, @b, @s, @c, @c)");
            SqlStore.Bind(cmd, "@b", feature.BaseBranch);
            SqlStore.Bind(cmd, "@s", feature.Status);
            SqlStore.Bind(cmd, "@n", feature.Name);
            SqlStore.Bind(cmd, "@t", feature.Title);
            SqlStore.Bind(cmd, "@d", feature.Description);
            SqlStore.Bind(cmd, "@c", SqlStore.Format(feature.CreatedAt));
            cmd.ExecuteNonQuery();
            _db.Insert(added);
        });
        return feature;
    }

    public Feature? GetFeature(string name)
    {
        using var cmd = _db.Command("SELECT name, title, description, created_at, base_branch, status FROM features WHERE name = @n");
        SqlStore.Bind(cmd, "@n", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadFeature(r) : null;
    }

    public IReadOnlyList<Feature> Features()
    {
        using var cmd = _db.Command("SELECT name, title, description, created_at, base_branch, status FROM features ORDER BY created_at, name");
        using var r = cmd.ExecuteReader();
        var list = new List<Feature>();
        while (r.Read())
        {
            list.Add(ReadFeature(r));
        }

        return list;
    }

    public void SetFeature(Feature feature, EventRecord changed)
    {
        ArgumentNullException.ThrowIfNull(feature);
        _db.Write(() =>
        {
            using var cmd = _db.Command("UPDATE features SET base_branch = @b, status = @s, updated_at = @u WHERE name = @n");
            SqlStore.Bind(cmd, "@b", feature.BaseBranch);
            SqlStore.Bind(cmd, "@s", feature.Status);
            SqlStore.Bind(cmd, "@u", SqlStore.Format(changed.Time));
            SqlStore.Bind(cmd, "@n", feature.Name);
            cmd.ExecuteNonQuery();
            _db.Insert(changed);
        });
    }

    private static Feature ReadFeature(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), SqlStore.Time(r, "created_at")!.Value)
        {
            BaseBranch = r.IsDBNull(4) ? null : r.GetString(4),
            Status = r.GetString(5),
        };

    public IReadOnlyList<FeatureStatus> FeatureStatuses()
    {
        using var cmd = _db.Command("SELECT * FROM feature_status ORDER BY feature");
        using var r = cmd.ExecuteReader();
        var list = new List<FeatureStatus>();
        while (r.Read())
        {
            list.Add(new FeatureStatus(r.GetString(0), r.GetString(1), SqlStore.Int32(r, 2), SqlStore.Int32(r, 3), SqlStore.Int32(r, 4), SqlStore.Int32(r, 5), SqlStore.Int32(r, 6), SqlStore.Int32(r, 7), SqlStore.Int32(r, 8)));
        }

        return list;
    }

    public IReadOnlyList<(long? Ticket, string Kind, string Description)> ActiveBlockers()
    {
        using var cmd = _db.Command("SELECT ticket, kind, description FROM blockers WHERE status = 'active' ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<(long?, string, string)>();
        while (r.Read())
        {
            list.Add((r.IsDBNull(0) ? null : r.GetInt64(0), r.GetString(1), r.GetString(2)));
        }

        return list;
    }

    public IReadOnlyList<Blocker> Blockers(long ticket)
    {
        using var cmd = _db.Command("SELECT id, ticket, kind, description, status, created_at, resolved_at FROM blockers WHERE ticket = @t ORDER BY id");
        SqlStore.Bind(cmd, "@t", ticket);
        using var r = cmd.ExecuteReader();
        var list = new List<Blocker>();
        while (r.Read())
        {
            list.Add(new Blocker(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), SqlStore.Time(r, "created_at")!.Value, SqlStore.Time(r, "resolved_at")));
        }

        return list;
    }

    /// <summary>Inside the mutation's transaction: a move to blocked opens a blocker, a move away resolves the open ones.</summary>
    private void TrackBlocker(Ticket was, Ticket now, BlockerReason? reason)
    {
        if (now.Status == TicketStatus.Blocked && was.Status != TicketStatus.Blocked)
        {
            using var cmd = _db.Command("INSERT INTO blockers (ticket, kind, description, status, created_at) VALUES (@t, @k, @d, 'active', @at)");
            SqlStore.Bind(cmd, "@t", now.Number);
            SqlStore.Bind(cmd, "@k", reason?.Kind ?? Blocker.Technical);
            SqlStore.Bind(cmd, "@d", reason?.Description ?? now.Note ?? "no reason given");
            SqlStore.Bind(cmd, "@at", SqlStore.Format(now.UpdatedAt));
            cmd.ExecuteNonQuery();
        }
        else if (was.Status == TicketStatus.Blocked && now.Status != TicketStatus.Blocked)
        {
            using var cmd = _db.Command("UPDATE blockers SET status = 'resolved', resolved_at = @at WHERE ticket = @t AND status = 'active'");
            SqlStore.Bind(cmd, "@t", now.Number);
            SqlStore.Bind(cmd, "@at", SqlStore.Format(now.UpdatedAt));
            cmd.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<(string BranchA, string BranchB, string Severity, string Files)> ActiveConflicts()
    {
        using var cmd = _db.Command("SELECT branch_a, branch_b, severity, files FROM conflicts WHERE status = 'active' ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string, string, string)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        }

        return list;
    }

    private Dictionary<long, IReadOnlyList<long>> DependencyGraph()
    {
        using var cmd = _db.Command("SELECT ticket, depends_on FROM ticket_dependencies");
        using var r = cmd.ExecuteReader();
        var graph = new Dictionary<long, List<long>>();
        while (r.Read())
        {
            var t = r.GetInt64(0);
            if (!graph.TryGetValue(t, out var list))
            {
                graph[t] = list = [];
            }

            list.Add(r.GetInt64(1));
        }

        return graph.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<long>)kv.Value);
    }

    private void AddDependency(long ticket, long dependsOn)
    {
        using var cmd = _db.Command("INSERT INTO ticket_dependencies (ticket, depends_on) VALUES (@t, @d) ON CONFLICT DO NOTHING");
        SqlStore.Bind(cmd, "@t", ticket);
        SqlStore.Bind(cmd, "@d", dependsOn);
        cmd.ExecuteNonQuery();
    }

    private void Save(Ticket t)
    {
        using var cmd = _db.Command("""
            UPDATE tickets SET title = @title, body = @body, status = @status, priority = @priority, priority_rank = @rank,
                labels = @labels, feature = @feature, assignee = @assignee, worker_wanted = @worker_wanted,
                role_wanted = @role_wanted, agent_wanted = @agent_wanted, attempts = @attempts,
                time_limit_minutes = @time_limit, source = @source, external_id = @external_id, branch = @branch,
                worktree = @worktree, summary = @summary, artifacts = @artifacts, note = @note,
                created_at = @created_at, updated_at = @updated_at, started_at = @started_at, finished_at = @finished_at,
                target = @target, retry_at = @retry_at, nudges = @nudges, nudged_at = @nudged_at, gate_failures = @gate_failures,
                paths = @paths, stacked_on = @stacked_on
            WHERE number = @number
            """);
        SqlStore.Bind(cmd, "@number", t.Number);
        SqlStore.Bind(cmd, "@title", t.Title);
        SqlStore.Bind(cmd, "@body", t.Body);
        SqlStore.Bind(cmd, "@status", t.Status.ToText());
        SqlStore.Bind(cmd, "@priority", t.Priority.ToText());
        SqlStore.Bind(cmd, "@rank", (int)t.Priority);
        SqlStore.Bind(cmd, "@labels", Json(t.Labels));
        SqlStore.Bind(cmd, "@paths", Json(t.Paths));
        SqlStore.Bind(cmd, "@stacked_on", t.StackedOn);
        SqlStore.Bind(cmd, "@feature", t.Feature);
        SqlStore.Bind(cmd, "@assignee", t.Assignee);
        SqlStore.Bind(cmd, "@worker_wanted", t.WorkerWanted);
        SqlStore.Bind(cmd, "@role_wanted", t.RoleWanted);
        SqlStore.Bind(cmd, "@agent_wanted", t.AgentWanted);
        SqlStore.Bind(cmd, "@attempts", t.Attempts);
        SqlStore.Bind(cmd, "@time_limit", t.TimeLimitMinutes);
        SqlStore.Bind(cmd, "@source", t.Source);
        SqlStore.Bind(cmd, "@external_id", t.ExternalId);
        SqlStore.Bind(cmd, "@branch", t.Branch);
        SqlStore.Bind(cmd, "@worktree", t.Worktree);
        SqlStore.Bind(cmd, "@summary", t.Summary);
        SqlStore.Bind(cmd, "@artifacts", Json(t.Artifacts));
        SqlStore.Bind(cmd, "@note", t.Note);
        SqlStore.Bind(cmd, "@created_at", SqlStore.Format(t.CreatedAt));
        SqlStore.Bind(cmd, "@updated_at", SqlStore.Format(t.UpdatedAt));
        SqlStore.Bind(cmd, "@started_at", SqlStore.Format(t.StartedAt));
        SqlStore.Bind(cmd, "@finished_at", SqlStore.Format(t.FinishedAt));
        SqlStore.Bind(cmd, "@target", t.Target);
        SqlStore.Bind(cmd, "@retry_at", SqlStore.Format(t.RetryAt));
        SqlStore.Bind(cmd, "@nudges", t.Nudges);
        SqlStore.Bind(cmd, "@nudged_at", SqlStore.Format(t.NudgedAt));
        SqlStore.Bind(cmd, "@gate_failures", t.GateFailures);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Up to this many tickets have their dependencies read by number rather than with the whole table.</summary>
    private const int ShortList = 500;

    private List<Ticket> ReadAll(DbCommand cmd)
    {
        var list = new List<Ticket>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(Read(r));
            }
        }

        if (list.Count == 0)
        {
            return list;
        }

        // Dependencies of all tickets read, in one query: by their numbers for a short list (the
        // primary key serves it; the numbers are the store's own integers), the whole table otherwise.
        var byNumber = list.ToDictionary(t => t.Number);
        var deps = new Dictionary<long, List<long>>();
        using (var d = _db.Command(list.Count <= ShortList
            ? "SELECT ticket, depends_on FROM ticket_dependencies WHERE ticket IN ("
                + string.Join(",", list.Select(t => t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ") ORDER BY ticket, depends_on"
            : "SELECT ticket, depends_on FROM ticket_dependencies ORDER BY ticket, depends_on"))
        {
            using var r = d.ExecuteReader();
            while (r.Read())
            {
                var t = r.GetInt64(0);
                if (byNumber.ContainsKey(t))
                {
                    (deps.TryGetValue(t, out var l) ? l : deps[t] = []).Add(r.GetInt64(1));
                }
            }
        }

        return list.Select(t => deps.TryGetValue(t.Number, out var l) ? t with { DependsOn = l } : t).ToList();
    }

    private static Ticket Read(DbDataReader r) => new()
    {
        Number = r.GetInt64(r.GetOrdinal("number")),
        Title = r.GetString(r.GetOrdinal("title")),
        Body = r.GetString(r.GetOrdinal("body")),
        Status = TicketStatuses.FromStored(r.GetString(r.GetOrdinal("status"))),
        Priority = Priorities.Parse(r.GetString(r.GetOrdinal("priority"))),
        Labels = List(SqlStore.Text(r, "labels")),
        Feature = SqlStore.Text(r, "feature"),
        Assignee = SqlStore.Text(r, "assignee"),
        WorkerWanted = SqlStore.Text(r, "worker_wanted"),
        RoleWanted = SqlStore.Text(r, "role_wanted"),
        AgentWanted = SqlStore.Text(r, "agent_wanted"),
        Attempts = SqlStore.Int(r, "attempts") ?? 0,
        TimeLimitMinutes = SqlStore.Int(r, "time_limit_minutes"),
        Source = SqlStore.Text(r, "source") ?? "local",
        ExternalId = SqlStore.Text(r, "external_id"),
        Branch = SqlStore.Text(r, "branch"),
        Worktree = SqlStore.Text(r, "worktree"),
        Summary = SqlStore.Text(r, "summary"),
        Artifacts = List(SqlStore.Text(r, "artifacts")),
        Note = SqlStore.Text(r, "note"),
        CreatedAt = SqlStore.Time(r, "created_at")!.Value,
        UpdatedAt = SqlStore.Time(r, "updated_at")!.Value,
        StartedAt = SqlStore.Time(r, "started_at"),
        FinishedAt = SqlStore.Time(r, "finished_at"),
        Target = SqlStore.Text(r, "target"),
        RetryAt = SqlStore.Time(r, "retry_at"),
        Nudges = SqlStore.Int(r, "nudges") ?? 0,
        NudgedAt = SqlStore.Time(r, "nudged_at"),
        GateFailures = SqlStore.Int(r, "gate_failures") ?? 0,
        Paths = List(SqlStore.Text(r, "paths")),
        StackedOn = r.IsDBNull(r.GetOrdinal("stacked_on")) ? null : r.GetInt64(r.GetOrdinal("stacked_on")),
    };

    private static string Json(IReadOnlyList<string> list) => JsonSerializer.Serialize(list.ToList(), StoreJsonContext.Default.ListString);

    private static List<string> List(string? json) =>
        string.IsNullOrEmpty(json) || json == "[]" ? [] : JsonSerializer.Deserialize(json, StoreJsonContext.Default.ListString) ?? [];
}
