using System.Text.Json;
using Baton.Core.Conflicts;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>Predicted conflicts in SQLite (table <c>conflicts</c>; files as a JSON list).</summary>
public sealed class SqliteConflictStore : IConflictStore
{
    private readonly SqliteStore _db;

    public SqliteConflictStore(SqliteStore db)
    {
        _db = db;
    }

    private const string Columns = "id, branch_a, branch_b, files, severity, detected_at, source, feature, note, status, resolution, resolved_at";

    public IReadOnlyList<StoredConflict> ActiveConflicts() => Read($"SELECT {Columns} FROM conflicts WHERE status = 'active' ORDER BY id");

    public StoredConflict? GetConflict(long id) => Read($"SELECT {Columns} FROM conflicts WHERE id = $id", id).FirstOrDefault();

    public StoredConflict Log(StoredConflict conflict, Func<StoredConflict, EventRecord> logged)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        ArgumentNullException.ThrowIfNull(logged);
        StoredConflict? stored = null;
        _db.Write(() =>
        {
            using var cmd = _db.Command("""
                INSERT INTO conflicts (branch_a, branch_b, files, severity, status, detected_at, source, feature, note)
                VALUES ($a, $b, $files, $severity, 'active', $now, 'manual', $feature, $note) RETURNING id
                """);
            SqliteStore.Bind(cmd, "$a", conflict.BranchA);
            SqliteStore.Bind(cmd, "$b", conflict.BranchB);
            SqliteStore.Bind(cmd, "$files", Files(conflict.Files));
            SqliteStore.Bind(cmd, "$severity", conflict.Severity);
            SqliteStore.Bind(cmd, "$now", SqliteStore.Format(conflict.DetectedAt));
            SqliteStore.Bind(cmd, "$feature", conflict.Feature);
            SqliteStore.Bind(cmd, "$note", conflict.Note);
            var id = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            stored = conflict with { Id = id, Source = StoredConflict.Manual, Status = "active" };
            _db.Insert(logged(stored));
        });
        return stored!;
    }

    public StoredConflict? Resolve(long id, string? note, DateTimeOffset now, Func<StoredConflict, EventRecord> resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        StoredConflict? done = null;
        _db.Write(() =>
        {
            if (GetConflict(id) is not { Status: "active" } active)
            {
                return;
            }

            using var cmd = _db.Command("UPDATE conflicts SET status = 'resolved', resolved_at = $now, resolution = $note WHERE id = $id AND status = 'active'");
            SqliteStore.Bind(cmd, "$now", SqliteStore.Format(now));
            SqliteStore.Bind(cmd, "$note", note);
            SqliteStore.Bind(cmd, "$id", id);
            cmd.ExecuteNonQuery();
            done = active with { Status = "resolved", Resolution = note, ResolvedAt = now };
            _db.Insert(resolved(done));
        });
        return done;
    }

    private List<StoredConflict> Read(string sql, long? id = null)
    {
        using var cmd = _db.Command(sql);
        if (id is { } n)
        {
            SqliteStore.Bind(cmd, "$id", n);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<StoredConflict>();
        while (r.Read())
        {
            var files = JsonSerializer.Deserialize(r.GetString(3), StoreJsonContext.Default.ListString) ?? [];
            list.Add(new StoredConflict(r.GetInt64(0), r.GetString(1), r.GetString(2), files, r.GetString(4), SqliteStore.Time(r, "detected_at")!.Value)
            {
                Source = r.GetString(6),
                Feature = SqliteStore.Text(r, "feature"),
                Note = SqliteStore.Text(r, "note"),
                Status = r.GetString(9),
                Resolution = SqliteStore.Text(r, "resolution"),
                ResolvedAt = SqliteStore.Time(r, "resolved_at"),
            });
        }

        return list;
    }

    public ConflictDelta Sync(DateTimeOffset now, Func<IReadOnlyList<StoredConflict>, ConflictDelta> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ConflictDelta? delta = null;
        _db.Write(() =>
        {
            delta = decide(ActiveConflicts().Where(c => c.Source == StoredConflict.Predicted).ToList());
            foreach (var c in delta.Added)
            {
                using var cmd = _db.Command("INSERT INTO conflicts (branch_a, branch_b, files, severity, status, detected_at) VALUES ($a, $b, $files, $severity, 'active', $now)");
                SqliteStore.Bind(cmd, "$a", c.BranchA);
                SqliteStore.Bind(cmd, "$b", c.BranchB);
                SqliteStore.Bind(cmd, "$files", Files(c.Files));
                SqliteStore.Bind(cmd, "$severity", c.Severity);
                SqliteStore.Bind(cmd, "$now", SqliteStore.Format(now));
                cmd.ExecuteNonQuery();
            }

            foreach (var (was, next) in delta.Changed)
            {
                using var cmd = _db.Command("UPDATE conflicts SET files = $files, severity = $severity WHERE id = $id");
                SqliteStore.Bind(cmd, "$files", Files(next.Files));
                SqliteStore.Bind(cmd, "$severity", next.Severity);
                SqliteStore.Bind(cmd, "$id", was.Id);
                cmd.ExecuteNonQuery();
            }

            foreach (var gone in delta.Resolved)
            {
                using var cmd = _db.Command("UPDATE conflicts SET status = 'resolved', resolved_at = $now WHERE id = $id");
                SqliteStore.Bind(cmd, "$now", SqliteStore.Format(now));
                SqliteStore.Bind(cmd, "$id", gone.Id);
                cmd.ExecuteNonQuery();
            }

            foreach (var e in delta.Events)
            {
                _db.Insert(e);
            }
        });
        return delta!;
    }

    private static string Files(IReadOnlyList<string> files) => JsonSerializer.Serialize(files.ToList(), StoreJsonContext.Default.ListString);
}
