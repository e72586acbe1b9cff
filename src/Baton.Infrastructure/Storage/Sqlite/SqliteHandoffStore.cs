using Baton.Core.Events;
using Baton.Core.Handoff;
using Microsoft.Data.Sqlite;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>Handoffs (table handoffs) in SQLite.</summary>
public sealed class SqliteHandoffStore : IHandoffStore
{
    private readonly SqliteStore _db;

    public SqliteHandoffStore(SqliteStore db)
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
                UPDATE handoffs SET status = 'failed', error = 'left unfinished (the process that started it ended)', finished_at = $now
                WHERE ticket IS $ticket AND status IN ('asking', 'switching') AND triggered_at < $stale
                """))
            {
                SqliteStore.Bind(stale, "$ticket", row.Ticket);
                SqliteStore.Bind(stale, "$stale", SqliteStore.Format(staleBefore));
                SqliteStore.Bind(stale, "$now", SqliteStore.Format(row.TriggeredAt));
                stale.ExecuteNonQuery();
            }

            using (var busy = _db.Command("SELECT COUNT(*) FROM handoffs WHERE ticket IS $ticket AND status IN ('asking', 'switching')"))
            {
                SqliteStore.Bind(busy, "$ticket", row.Ticket);
                if (Convert.ToInt64(busy.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }
            }

            using var cmd = _db.Command("""
                INSERT INTO handoffs (ticket, from_worker, from_agent, to_worker, to_agent, reason, trigger, status, context_percent, context_tokens, triggered_at)
                VALUES ($ticket, $from, $from_agent, $to, $to_agent, $reason, $trigger, $status, $percent, $tokens, $at)
                RETURNING id
                """);
            SqliteStore.Bind(cmd, "$ticket", row.Ticket);
            SqliteStore.Bind(cmd, "$from", row.FromWorker);
            SqliteStore.Bind(cmd, "$from_agent", row.FromAgent);
            SqliteStore.Bind(cmd, "$to", row.ToWorker);
            SqliteStore.Bind(cmd, "$to_agent", row.ToAgent);
            SqliteStore.Bind(cmd, "$reason", row.Reason);
            SqliteStore.Bind(cmd, "$trigger", row.Trigger);
            SqliteStore.Bind(cmd, "$status", row.Status);
            SqliteStore.Bind(cmd, "$percent", row.ContextPercent);
            SqliteStore.Bind(cmd, "$tokens", row.ContextTokens);
            SqliteStore.Bind(cmd, "$at", SqliteStore.Format(row.TriggeredAt));
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
                UPDATE handoffs SET to_worker = $to, to_agent = $to_agent, reason = $reason, status = $status, source = $source,
                    context_percent = $percent, context_tokens = $tokens, wip_ref = $wip, packet_path = $packet, error = $error,
                    finished_at = $finished, latency_ms = $latency
                WHERE id = $id
                """);
            SqliteStore.Bind(cmd, "$to", row.ToWorker);
            SqliteStore.Bind(cmd, "$to_agent", row.ToAgent);
            SqliteStore.Bind(cmd, "$reason", row.Reason);
            SqliteStore.Bind(cmd, "$status", row.Status);
            SqliteStore.Bind(cmd, "$source", row.Source);
            SqliteStore.Bind(cmd, "$percent", row.ContextPercent);
            SqliteStore.Bind(cmd, "$tokens", row.ContextTokens);
            SqliteStore.Bind(cmd, "$wip", row.WipRef);
            SqliteStore.Bind(cmd, "$packet", row.PacketPath);
            SqliteStore.Bind(cmd, "$error", row.Error);
            SqliteStore.Bind(cmd, "$finished", SqliteStore.Format(row.FinishedAt));
            SqliteStore.Bind(cmd, "$latency", row.LatencyMs);
            SqliteStore.Bind(cmd, "$id", row.Id);
            cmd.ExecuteNonQuery();
            foreach (var e in events)
            {
                _db.Insert(e);
            }
        });
    }

    public HandoffRow? Get(long id)
    {
        using var cmd = _db.Command("SELECT * FROM handoffs WHERE id = $id");
        SqliteStore.Bind(cmd, "$id", id);
        return Read(cmd).FirstOrDefault();
    }

    public IReadOnlyList<HandoffRow> List(long? ticket)
    {
        using var cmd = _db.Command("SELECT * FROM handoffs WHERE $ticket IS NULL OR ticket = $ticket ORDER BY id");
        SqliteStore.Bind(cmd, "$ticket", ticket);
        return Read(cmd);
    }

    public IReadOnlySet<long> Underway(DateTimeOffset since)
    {
        using var cmd = _db.Command("SELECT DISTINCT ticket FROM handoffs WHERE ticket IS NOT NULL AND status IN ('asking', 'switching') AND triggered_at >= $since");
        SqliteStore.Bind(cmd, "$since", SqliteStore.Format(since));
        using var r = cmd.ExecuteReader();
        var set = new HashSet<long>();
        while (r.Read())
        {
            set.Add(r.GetInt64(0));
        }

        return set;
    }

    private static List<HandoffRow> Read(SqliteCommand cmd)
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
                ToWorker = SqliteStore.Text(r, "to_worker"),
                ToAgent = r.GetString(r.GetOrdinal("to_agent")),
                Reason = r.GetString(r.GetOrdinal("reason")),
                Trigger = r.GetString(r.GetOrdinal("trigger")),
                Status = r.GetString(r.GetOrdinal("status")),
                Source = SqliteStore.Text(r, "source"),
                ContextPercent = r.IsDBNull(r.GetOrdinal("context_percent")) ? null : r.GetDouble(r.GetOrdinal("context_percent")),
                ContextTokens = r.IsDBNull(r.GetOrdinal("context_tokens")) ? null : r.GetInt64(r.GetOrdinal("context_tokens")),
                WipRef = SqliteStore.Text(r, "wip_ref"),
                PacketPath = SqliteStore.Text(r, "packet_path"),
                Error = SqliteStore.Text(r, "error"),
                TriggeredAt = SqliteStore.Time(r, "triggered_at")!.Value,
                FinishedAt = SqliteStore.Time(r, "finished_at"),
                LatencyMs = r.IsDBNull(r.GetOrdinal("latency_ms")) ? null : r.GetInt64(r.GetOrdinal("latency_ms")),
            });
        }

        return rows;
    }
}
