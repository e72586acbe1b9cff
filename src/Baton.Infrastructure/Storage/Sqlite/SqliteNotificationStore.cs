using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Notify;
using Microsoft.Data.Sqlite;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>The notification outbox in SQLite (table notifications, cursor in notify_cursor).</summary>
public sealed class SqliteNotificationStore : INotificationStore
{
    private readonly SqliteStore _db;

    public SqliteNotificationStore(SqliteStore db)
    {
        _db = db;
    }

    public long Cursor()
    {
        using var cmd = _db.Command("SELECT event_id FROM notify_cursor WHERE id = 1");
        if (cmd.ExecuteScalar() is long at)
        {
            return at;
        }

        // First use: start at the log's end, so turning notifications on replays no history.
        long cursor = 0;
        _db.Write(() =>
        {
            using var insert = _db.Command("INSERT OR IGNORE INTO notify_cursor (id, event_id) VALUES (1, (SELECT COALESCE(MAX(id), 0) FROM events))");
            insert.ExecuteNonQuery();
            using var read = _db.Command("SELECT event_id FROM notify_cursor WHERE id = 1");
            cursor = Convert.ToInt64(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        });
        return cursor;
    }

    public IReadOnlyList<Delivery> Ingest(IReadOnlyList<Delivery> drafts, long cursor)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        var added = new List<Delivery>();
        _db.Write(() =>
        {
            added.Clear();
            foreach (var draft in drafts)
            {
                using var open = _db.Command("SELECT 1 FROM notifications WHERE rule = $rule AND dedup_key = $key AND status IN ('queued', 'sent', 'failed', 'escalated') LIMIT 1");
                SqliteStore.Bind(open, "$rule", draft.Rule);
                SqliteStore.Bind(open, "$key", draft.Notice.DedupKey);
                if (open.ExecuteScalar() is null)
                {
                    added.Add(Insert(draft));
                }
            }

            using var move = _db.Command("INSERT INTO notify_cursor (id, event_id) VALUES (1, $at) ON CONFLICT(id) DO UPDATE SET event_id = MAX(event_id, $at)");
            SqliteStore.Bind(move, "$at", cursor);
            move.ExecuteNonQuery();
        });
        return added;
    }

    public Delivery Add(Delivery draft, Func<Delivery, EventRecord> added)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(added);
        Delivery? row = null;
        _db.Write(() =>
        {
            row = Insert(draft);
            _db.Insert(added(row));
        });
        return row!;
    }

    public void Update(Delivery next, EventRecord happened)
    {
        ArgumentNullException.ThrowIfNull(next);
        _db.Write(() =>
        {
            using var cmd = _db.Command("""
                UPDATE notifications SET status = $status, attempts = $attempts, last_error = $error,
                    next_attempt_at = $next, sent_at = $sent, acked_at = $acked, acked_by = $by
                WHERE id = $id
                """);
            SqliteStore.Bind(cmd, "$id", next.Id);
            SqliteStore.Bind(cmd, "$status", next.Status.ToText());
            SqliteStore.Bind(cmd, "$attempts", next.Attempts);
            SqliteStore.Bind(cmd, "$error", next.LastError);
            SqliteStore.Bind(cmd, "$next", SqliteStore.Format(next.NextAttemptAt));
            SqliteStore.Bind(cmd, "$sent", SqliteStore.Format(next.SentAt));
            SqliteStore.Bind(cmd, "$acked", SqliteStore.Format(next.AckedAt));
            SqliteStore.Bind(cmd, "$by", next.AckedBy);
            cmd.ExecuteNonQuery();
            _db.Insert(happened);
        });
    }

    public Delivery? Get(long id)
    {
        using var cmd = _db.Command("SELECT * FROM notifications WHERE id = $id");
        SqliteStore.Bind(cmd, "$id", id);
        return Read(cmd).FirstOrDefault();
    }

    public IReadOnlyList<Delivery> Due(DateTimeOffset now, int limit)
    {
        using var cmd = _db.Command("SELECT * FROM notifications WHERE status = 'queued' AND next_attempt_at <= $now ORDER BY next_attempt_at, id LIMIT $limit");
        SqliteStore.Bind(cmd, "$now", SqliteStore.Format(now));
        SqliteStore.Bind(cmd, "$limit", limit);
        return Read(cmd);
    }

    public IReadOnlyList<Delivery> List(DeliveryStatus? status, int limit)
    {
        using var cmd = _db.Command("SELECT * FROM notifications WHERE ($status IS NULL OR status = $status) ORDER BY id DESC LIMIT $limit");
        SqliteStore.Bind(cmd, "$status", status?.ToText());
        SqliteStore.Bind(cmd, "$limit", limit);
        return Read(cmd);
    }

    private Delivery Insert(Delivery d)
    {
        using var cmd = _db.Command("""
            INSERT INTO notifications (rule, channel, step, event_id, priority, kind, dedup_key, title, body, ticket, worker,
                notice_time, status, attempts, last_error, test, created_at, next_attempt_at)
            VALUES ($rule, $channel, $step, $event, $priority, $kind, $key, $title, $body, $ticket, $worker,
                $time, $status, $attempts, $error, $test, $created, $next)
            RETURNING id
            """);
        SqliteStore.Bind(cmd, "$rule", d.Rule);
        SqliteStore.Bind(cmd, "$channel", d.Channel);
        SqliteStore.Bind(cmd, "$step", d.Step);
        SqliteStore.Bind(cmd, "$event", d.Notice.EventId);
        SqliteStore.Bind(cmd, "$priority", d.Notice.Priority.ToText());
        SqliteStore.Bind(cmd, "$kind", d.Notice.Kind);
        SqliteStore.Bind(cmd, "$key", d.Notice.DedupKey);
        SqliteStore.Bind(cmd, "$title", d.Notice.Title);
        SqliteStore.Bind(cmd, "$body", d.Notice.Text);
        SqliteStore.Bind(cmd, "$ticket", d.Notice.Ticket);
        SqliteStore.Bind(cmd, "$worker", d.Notice.Worker);
        SqliteStore.Bind(cmd, "$time", SqliteStore.Format(d.Notice.Time));
        SqliteStore.Bind(cmd, "$status", d.Status.ToText());
        SqliteStore.Bind(cmd, "$attempts", d.Attempts);
        SqliteStore.Bind(cmd, "$error", d.LastError);
        SqliteStore.Bind(cmd, "$test", d.Test ? 1 : 0);
        SqliteStore.Bind(cmd, "$created", SqliteStore.Format(d.CreatedAt));
        SqliteStore.Bind(cmd, "$next", SqliteStore.Format(d.NextAttemptAt));
        var id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        return d with { Id = id };
    }

    private static List<Delivery> Read(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<Delivery>();
        while (r.Read())
        {
            var notice = new Notice(
                r.GetInt64(r.GetOrdinal("event_id")),
                SqliteStore.Time(r, "notice_time")!.Value,
                NotificationPriorities.Parse(r.GetString(r.GetOrdinal("priority"))) ?? NotificationPriority.Info,
                r.GetString(r.GetOrdinal("kind")),
                r.GetString(r.GetOrdinal("title")),
                r.GetString(r.GetOrdinal("body")),
                r.GetString(r.GetOrdinal("dedup_key")))
            {
                Ticket = SqliteStore.Text(r, "ticket"),
                Worker = SqliteStore.Text(r, "worker"),
            };
            list.Add(new Delivery(
                r.GetInt64(r.GetOrdinal("id")),
                r.GetString(r.GetOrdinal("rule")),
                r.GetString(r.GetOrdinal("channel")),
                r.GetInt32(r.GetOrdinal("step")),
                notice,
                DeliveryStatuses.Parse(r.GetString(r.GetOrdinal("status"))) ?? DeliveryStatus.Escalated,
                r.GetInt32(r.GetOrdinal("attempts")),
                SqliteStore.Time(r, "created_at")!.Value,
                SqliteStore.Time(r, "next_attempt_at")!.Value)
            {
                LastError = SqliteStore.Text(r, "last_error"),
                SentAt = SqliteStore.Time(r, "sent_at"),
                AckedAt = SqliteStore.Time(r, "acked_at"),
                AckedBy = SqliteStore.Text(r, "acked_by"),
                Test = r.GetInt64(r.GetOrdinal("test")) != 0,
            });
        }

        return list;
    }
}
