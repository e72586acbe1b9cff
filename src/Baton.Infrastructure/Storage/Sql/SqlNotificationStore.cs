using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Notify;
using System.Data.Common;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>The notification outbox in the store (SQLite or PostgreSQL) (table notifications, cursor in notify_cursor).</summary>
public sealed class SqlNotificationStore : INotificationStore
{
    private readonly SqlStore _db;

    public SqlNotificationStore(SqlStore db)
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
            using var insert = _db.Command("INSERT INTO notify_cursor (id, event_id) VALUES (1, (SELECT COALESCE(MAX(id), 0) FROM events)) ON CONFLICT DO NOTHING");
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
                using var open = _db.Command("SELECT 1 FROM notifications WHERE rule = @rule AND dedup_key = @key AND status IN ('queued', 'sent', 'failed', 'escalated') LIMIT 1");
                SqlStore.Bind(open, "@rule", draft.Rule);
                SqlStore.Bind(open, "@key", draft.Notice.DedupKey);
                if (open.ExecuteScalar() is null)
                {
                    added.Add(Insert(draft));
                }
            }

            using var move = _db.Command("INSERT INTO notify_cursor (id, event_id) VALUES (1, @at) ON CONFLICT(id) DO UPDATE SET event_id = CASE WHEN event_id > @at THEN event_id ELSE @at END");
            SqlStore.Bind(move, "@at", cursor);
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
                UPDATE notifications SET status = @status, attempts = @attempts, last_error = @error,
                    next_attempt_at = @next, sent_at = @sent, acked_at = @acked, acked_by = @by
                WHERE id = @id
                """);
            SqlStore.Bind(cmd, "@id", next.Id);
            SqlStore.Bind(cmd, "@status", next.Status.ToText());
            SqlStore.Bind(cmd, "@attempts", next.Attempts);
            SqlStore.Bind(cmd, "@error", next.LastError);
            SqlStore.Bind(cmd, "@next", SqlStore.Format(next.NextAttemptAt));
            SqlStore.Bind(cmd, "@sent", SqlStore.Format(next.SentAt));
            SqlStore.Bind(cmd, "@acked", SqlStore.Format(next.AckedAt));
            SqlStore.Bind(cmd, "@by", next.AckedBy);
            cmd.ExecuteNonQuery();
            _db.Insert(happened);
        });
    }

    public Delivery? Get(long id)
    {
        using var cmd = _db.Command("SELECT * FROM notifications WHERE id = @id");
        SqlStore.Bind(cmd, "@id", id);
        return Read(cmd).FirstOrDefault();
    }

    public IReadOnlyList<Delivery> Due(DateTimeOffset now, int limit)
    {
        using var cmd = _db.Command("SELECT * FROM notifications WHERE status = 'queued' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @limit");
        SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
        SqlStore.Bind(cmd, "@limit", limit);
        return Read(cmd);
    }

    public IReadOnlyList<Delivery> List(DeliveryStatus? status, int limit)
    {
        using var cmd = _db.Command("SELECT * FROM notifications WHERE (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit");
        SqlStore.Bind(cmd, "@status", status?.ToText());
        SqlStore.Bind(cmd, "@limit", limit);
        return Read(cmd);
    }

    private Delivery Insert(Delivery d)
    {
        using var cmd = _db.Command("""
            INSERT INTO notifications (rule, channel, step, event_id, priority, kind, dedup_key, title, body, ticket, worker,
                notice_time, status, attempts, last_error, test, created_at, next_attempt_at)
            VALUES (@rule, @channel, @step, @event, @priority, @kind, @key, @title, @body, @ticket, @worker,
                @time, @status, @attempts, @error, @test, @created, @next)
            RETURNING id
            """);
        SqlStore.Bind(cmd, "@rule", d.Rule);
        SqlStore.Bind(cmd, "@channel", d.Channel);
        SqlStore.Bind(cmd, "@step", d.Step);
        SqlStore.Bind(cmd, "@event", d.Notice.EventId);
        SqlStore.Bind(cmd, "@priority", d.Notice.Priority.ToText());
        SqlStore.Bind(cmd, "@kind", d.Notice.Kind);
        SqlStore.Bind(cmd, "@key", d.Notice.DedupKey);
        SqlStore.Bind(cmd, "@title", d.Notice.Title);
        SqlStore.Bind(cmd, "@body", d.Notice.Text);
        SqlStore.Bind(cmd, "@ticket", d.Notice.Ticket);
        SqlStore.Bind(cmd, "@worker", d.Notice.Worker);
        SqlStore.Bind(cmd, "@time", SqlStore.Format(d.Notice.Time));
        SqlStore.Bind(cmd, "@status", d.Status.ToText());
        SqlStore.Bind(cmd, "@attempts", d.Attempts);
        SqlStore.Bind(cmd, "@error", d.LastError);
        SqlStore.Bind(cmd, "@test", d.Test ? 1 : 0);
        SqlStore.Bind(cmd, "@created", SqlStore.Format(d.CreatedAt));
        SqlStore.Bind(cmd, "@next", SqlStore.Format(d.NextAttemptAt));
        var id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        return d with { Id = id };
    }

    private static List<Delivery> Read(DbCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<Delivery>();
        while (r.Read())
        {
            var notice = new Notice(
                r.GetInt64(r.GetOrdinal("event_id")),
                SqlStore.Time(r, "notice_time")!.Value,
                NotificationPriorities.Parse(r.GetString(r.GetOrdinal("priority"))) ?? NotificationPriority.Info,
                r.GetString(r.GetOrdinal("kind")),
                r.GetString(r.GetOrdinal("title")),
                r.GetString(r.GetOrdinal("body")),
                r.GetString(r.GetOrdinal("dedup_key")))
            {
                Ticket = SqlStore.Text(r, "ticket"),
                Worker = SqlStore.Text(r, "worker"),
            };
            list.Add(new Delivery(
                r.GetInt64(r.GetOrdinal("id")),
                r.GetString(r.GetOrdinal("rule")),
                r.GetString(r.GetOrdinal("channel")),
                SqlStore.Int32(r, r.GetOrdinal("step")),
                notice,
                DeliveryStatuses.Parse(r.GetString(r.GetOrdinal("status"))) ?? DeliveryStatus.Escalated,
                SqlStore.Int32(r, r.GetOrdinal("attempts")),
                SqlStore.Time(r, "created_at")!.Value,
                SqlStore.Time(r, "next_attempt_at")!.Value)
            {
                LastError = SqlStore.Text(r, "last_error"),
                SentAt = SqlStore.Time(r, "sent_at"),
                AckedAt = SqlStore.Time(r, "acked_at"),
                AckedBy = SqlStore.Text(r, "acked_by"),
                Test = r.GetInt64(r.GetOrdinal("test")) != 0,
            });
        }

        return list;
    }
}
