using System.Globalization;
using System.Text.Json;
using Baton.Core.Events;
using Baton.Core.Nodes;
using Baton.Core.Tickets;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Nodes and their leases on either store (see <see cref="ILeaseStore"/>).</summary>
public sealed class SqlLeaseStore : ILeaseStore
{
    // The merge queue's advisory lock key on PostgreSQL ("bmerge").
    private const long MergeQueueLock = 0x626D65726765;
    private readonly SqlStore _db;

    public SqlLeaseStore(SqlStore db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
    }

    public Lease? CurrentLease(long ticket) => SqlLeases.Current(_db, ticket);

    public IReadOnlyList<Lease> Leases(bool heldOnly)
    {
        using var cmd = _db.Command(heldOnly ? "SELECT * FROM leases WHERE state = 'held' ORDER BY token DESC" : "SELECT * FROM leases ORDER BY token DESC");
        using var r = cmd.ExecuteReader();
        var list = new List<Lease>();
        while (r.Read())
        {
            list.Add(SqlLeases.Read(r));
        }

        return list;
    }

    public IReadOnlyList<Lease> Heartbeat(NodeInfo node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        _db.Write(() =>
        {
            using (var upsert = _db.Command("""
                INSERT INTO nodes (name, host, pid, capacity, labels, lease_ttl_ms, started_at, heartbeat_at, stopped_at)
                VALUES (@name, @host, @pid, @capacity, @labels, @ttl, @started, @now, NULL)
                ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, capacity = excluded.capacity,
                    labels = excluded.labels, lease_ttl_ms = excluded.lease_ttl_ms, started_at = excluded.started_at,
                    heartbeat_at = excluded.heartbeat_at, stopped_at = NULL
                """))
            {
                SqlStore.Bind(upsert, "@name", node.Name);
                SqlStore.Bind(upsert, "@host", node.Host);
                SqlStore.Bind(upsert, "@pid", (long)node.Pid);
                SqlStore.Bind(upsert, "@capacity", (long)node.Capacity);
                SqlStore.Bind(upsert, "@labels", JsonSerializer.Serialize(node.Labels.ToList(), StoreJsonContext.Default.ListString));
                SqlStore.Bind(upsert, "@ttl", (long)node.LeaseTtl.TotalMilliseconds);
                SqlStore.Bind(upsert, "@started", SqlStore.Format(node.StartedAt));
                SqlStore.Bind(upsert, "@now", SqlStore.Format(now));
                upsert.ExecuteNonQuery();
            }

            // Renewal, not a fixed deadline: a long healthy turn keeps its lease for as long as the node beats.
            using var renew = _db.Command("UPDATE leases SET renewed_at = @now, expires_at = @until WHERE node = @name AND state = 'held'");
            SqlStore.Bind(renew, "@now", SqlStore.Format(now));
            SqlStore.Bind(renew, "@until", SqlStore.Format(now + node.LeaseTtl));
            SqlStore.Bind(renew, "@name", node.Name);
            renew.ExecuteNonQuery();
        });
        return HeldBy(node.Name);
    }

    private List<Lease> HeldBy(string node)
    {
        using var cmd = _db.Command("SELECT * FROM leases WHERE node = @name AND state = 'held' ORDER BY token");
        SqlStore.Bind(cmd, "@name", node);
        using var r = cmd.ExecuteReader();
        var list = new List<Lease>();
        while (r.Read())
        {
            list.Add(SqlLeases.Read(r));
        }

        return list;
    }

    public IReadOnlyList<Lease> ExpireLeases(DateTimeOffset now)
    {
        var expired = new List<Lease>();
        _db.Write(() =>
        {
            expired.Clear();
            using (var cmd = _db.Command("SELECT * FROM leases WHERE state = 'held' AND expires_at < @now ORDER BY token"))
            {
                SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    expired.Add(SqlLeases.Read(r));
                }
            }

            var tickets = new SqlTicketStore(_db);
            foreach (var lease in expired)
            {
                SqlLeases.End(_db, lease.Token, LeaseState.Expired, now);
                if (tickets.GetTicket(lease.Ticket) is { Status: TicketStatus.InProgress or TicketStatus.Testing } t && t.Assignee == lease.Worker)
                {
                    tickets.Apply(t.Number, current => new Core.Storage.TicketMutation(
                        current with { Status = TicketStatus.Queued, Assignee = null, RetryAt = null, UpdatedAt = now },
                        [Event(current, EventTypes.LeaseExpired, $"{current.Id}: node '{lease.Node}' did not renew its lease (token {lease.Token}) since {lease.RenewedAt:HH:mm:ss}: back to the queue", now, lease),
                         Event(current, EventTypes.TaskRequeued, $"{current.Id} re-queued: its lease expired", now, lease)]));
                }
            }
        });
        return expired;
    }

    private static EventRecord Event(Ticket t, string type, string message, DateTimeOffset now, Lease lease) => new()
    {
        Time = now,
        Type = type,
        Ticket = t.Id,
        Feature = t.Feature,
        Worker = lease.Worker,
        Message = message,
        Metadata = new Dictionary<string, string>
        {
            ["node"] = lease.Node,
            ["token"] = lease.Token.ToString(CultureInfo.InvariantCulture),
        },
    };

    public void NodeStopped(string node, DateTimeOffset now) => _db.Write(() =>
    {
        using var cmd = _db.Command("UPDATE nodes SET stopped_at = @now WHERE name = @name");
        SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
        SqlStore.Bind(cmd, "@name", node);
        cmd.ExecuteNonQuery();
    });

    public IReadOnlyList<NodeInfo> Nodes()
    {
        using var cmd = _db.Command("SELECT * FROM nodes ORDER BY name");
        using var r = cmd.ExecuteReader();
        var list = new List<NodeInfo>();
        while (r.Read())
        {
            list.Add(new NodeInfo
            {
                Name = r.GetString(r.GetOrdinal("name")),
                Host = r.GetString(r.GetOrdinal("host")),
                Pid = SqlStore.Int32(r, r.GetOrdinal("pid")),
                Capacity = SqlStore.Int32(r, r.GetOrdinal("capacity")),
                Labels = JsonSerializer.Deserialize(SqlStore.Text(r, "labels") ?? "[]", StoreJsonContext.Default.ListString) ?? [],
                LeaseTtl = TimeSpan.FromMilliseconds(Convert.ToInt64(r.GetValue(r.GetOrdinal("lease_ttl_ms")), CultureInfo.InvariantCulture)),
                StartedAt = SqlStore.Time(r, "started_at")!.Value,
                HeartbeatAt = SqlStore.Time(r, "heartbeat_at")!.Value,
                StoppedAt = SqlStore.Time(r, "stopped_at"),
            });
        }

        return list;
    }

    public IReadOnlyList<string> PruneNodes(DateTimeOffset now)
    {
        var pruned = new List<string>();
        _db.Write(() =>
        {
            pruned.Clear();
            var holding = Leases(heldOnly: true).Select(l => l.Node).ToHashSet(StringComparer.Ordinal);
            foreach (var node in Nodes().Where(n => n.Status(now) != "running" && !holding.Contains(n.Name)))
            {
                using var cmd = _db.Command("DELETE FROM nodes WHERE name = @name");
                SqlStore.Bind(cmd, "@name", node.Name);
                cmd.ExecuteNonQuery();
                pruned.Add(node.Name);
            }
        });
        return pruned;
    }

    public bool TryHoldMergeQueue() => _db.HoldAdvisoryLock(MergeQueueLock);
}
