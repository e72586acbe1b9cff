using Baton.Core.Events;
using Baton.Core.Handoff;
using System.Data.Common;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Handoffs (table handoffs) in the store (SQLite or PostgreSQL).</summary>
public sealed class SqlHandoffStore : IHandoffStore
{
    private readonly SqlStore _db;

    public SqlHandoffStore(SqlStore db)
    {
        _db = db;
    }

    public HandoffRow? Begin(HandoffRow row, DateTimeOffset staleBefore)
    {
        ArgumentNullException.ThrowIfNull(row);
        HandoffRow? made = null;
        _db.Write(() =>
        {
            using (var stale = _db.Command("""
                UPDATE handoffs SET status = 'failed', error = 'left unfinished (the process that started it ended)', finished_at = @now
                WHERE ticket IS NOT DISTINCT FROM @ticket AND status IN ('asking', 'switching') AND triggered_at < @stale
                """))
            {
                SqlStore.Bind(stale, "@ticket", row.Ticket);
                SqlStore.Bind(stale, "@stale", SqlStore.Format(staleBefore));
                SqlStore.Bind(stale, "@now", SqlStore.Format(row.TriggeredAt));
                stale.ExecuteNonQuery();
            }

            using (var busy = _db.Command("SELECT COUNT(*) FROM handoffs WHERE ticket IS NOT DISTINCT FROM @ticket AND status IN ('asking', 'switching')"))
            {
                SqlStore.Bind(busy, "@ticket", row.Ticket);
                if (Convert.ToInt64(busy.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }
            }

            using var cmd = _db.Command("""
                INSERT INTO handoffs (ticket, from_worker, from_agent, to_worker, to_agent, reason, trigger, status, context_percent, context_tokens, triggered_at)
                VALUES (@ticket, @from, @from_agent, @to, @to_agent, @reason, @trigger, @status, @percent, @tokens, @at)
                RETURNING id
                """);
            SqlStore.Bind(cmd, "@ticket", row.Ticket);
            SqlStore.Bind(cmd, "@from", row.FromWorker);
            SqlStore.Bind(cmd, "@from_agent", row.FromAgent);
            SqlStore.Bind(cmd, "@to", row.ToWorker);
            SqlStore.Bind(cmd, "@to_agent", row.ToAgent);
            SqlStore.Bind(cmd, "@reason", row.Reason);
            SqlStore.Bind(cmd, "@trigger", row.Trigger);
            SqlStore.Bind(cmd, "@status", row.Status);
            SqlStore.Bind(cmd, "@percent", row.ContextPercent);
            SqlStore.Bind(cmd, "@tokens", row.ContextTokens);
            SqlStore.Bind(cmd, "@at", SqlStore.Format(row.TriggeredAt));
            made = row with { Id = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) };
        });
        return made;
    }

    public void Update(HandoffRow row, IReadOnlyList<EventRecord> events)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(events);
        _db.Write(() =>
        {
            using var cmd = _db.Command("""
                UPDATE handoffs SET to_worker = @to, to_agent = @to_agent, reason = @reason, status = @status, source = @source,
                    context_percent = @percent, context_tokens = @tokens, wip_ref = @wip, packet_path = @packet, error = @error,
                    finished_at = @finished, latency_ms = @latency
                WHERE id = @id
                """);
            SqlStore.Bind(cmd, "@to", row.ToWorker);
            SqlStore.Bind(cmd, "@to_agent", row.ToAgent);
            SqlStore.Bind(cmd, "@reason", row.Reason);
            SqlStore.Bind(cmd, "@status", row.Status);
            SqlStore.Bind(cmd, "@source", row.Source);
            SqlStore.Bind(cmd, "@percent", row.ContextPercent);
            SqlStore.Bind(cmd, "@tokens", row.ContextTokens);
            SqlStore.Bind(cmd, "@wip", row.WipRef);
            SqlStore.Bind(cmd, "@packet", row.PacketPath);
            SqlStore.Bind(cmd, "@error", row.Error);
            SqlStore.Bind(cmd, "@finished", SqlStore.Format(row.FinishedAt));
            SqlStore.Bind(cmd, "@latency", row.LatencyMs);
            SqlStore.Bind(cmd, "@id", row.Id);
            cmd.ExecuteNonQuery();
            foreach (var e in events)
            {
                _db.Insert(e);
            }
        });
    }

    public HandoffRow? Get(long id)
    {
        using var cmd = _db.Command("SELECT * FROM handoffs WHERE id = @id");
        SqlStore.Bind(cmd, "@id", id);
        return Read(cmd).FirstOrDefault();
    }

    public IReadOnlyList<HandoffRow> List(long? ticket)
    {
        using var cmd = _db.Command("SELECT * FROM handoffs WHERE @ticket IS NULL OR ticket = @ticket ORDER BY id");
        SqlStore.Bind(cmd, "@ticket", ticket);
        return Read(cmd);
    }

    public IReadOnlySet<long> Underway(DateTimeOffset since)
    {
        using var cmd = _db.Command("SELECT DISTINCT ticket FROM handoffs WHERE ticket IS NOT NULL AND status IN ('asking', 'switching') AND triggered_at >= @since");
        SqlStore.Bind(cmd, "@since", SqlStore.Format(since));
        using var r = cmd.ExecuteReader();
        var set = new HashSet<long>();
        while (r.Read())
        {
            set.Add(r.GetInt64(0));
        }

        return set;
    }

    private static List<HandoffRow> Read(DbCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var rows = new List<HandoffRow>();
        while (r.Read())
        {
            rows.Add(new HandoffRow
            {
                Id = r.GetInt64(r.GetOrdinal("id")),
                Ticket = r.IsDBNull(r.GetOrdinal("ticket")) ? null : r.GetInt64(r.GetOrdinal("ticket")),
                FromWorker = r.GetString(r.GetOrdinal("from_worker")),
                FromAgent = r.GetString(r.GetOrdinal("from_agent")),
                ToWorker = SqlStore.Text(r, "to_worker"),
                ToAgent = r.GetString(r.GetOrdinal("to_agent")),
                Reason = r.GetString(r.GetOrdinal("reason")),
                Trigger = r.GetString(r.GetOrdinal("trigger")),
                Status = r.GetString(r.GetOrdinal("status")),
                Source = SqlStore.Text(r, "source"),
                ContextPercent = r.IsDBNull(r.GetOrdinal("context_percent")) ? null : r.GetDouble(r.GetOrdinal("context_percent")),
                ContextTokens = r.IsDBNull(r.GetOrdinal("context_tokens")) ? null : r.GetInt64(r.GetOrdinal("context_tokens")),
                WipRef = SqlStore.Text(r, "wip_ref"),
                PacketPath = SqlStore.Text(r, "packet_path"),
                Error = SqlStore.Text(r, "error"),
                TriggeredAt = SqlStore.Time(r, "triggered_at")!.Value,
                FinishedAt = SqlStore.Time(r, "finished_at"),
                LatencyMs = r.IsDBNull(r.GetOrdinal("latency_ms")) ? null : r.GetInt64(r.GetOrdinal("latency_ms")),
            });
        }

        return rows;
    }
}
