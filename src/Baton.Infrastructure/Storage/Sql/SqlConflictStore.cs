using System.Text.Json;
using Baton.Core.Conflicts;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Predicted conflicts in the store (SQLite or PostgreSQL) (table <c>conflicts</c>; files as a JSON list).</summary>
public sealed class SqlConflictStore : IConflictStore
{
    private readonly SqlStore _db;

    public SqlConflictStore(SqlStore db)
    {
        _db = db;
    }

    private const string Columns = "id, branch_a, branch_b, files, severity, detected_at, source, feature, note, status, resolution, resolved_at";

    public IReadOnlyList<StoredConflict> ActiveConflicts() => Read($"SELECT {Columns} FROM conflicts WHERE status = 'active' ORDER BY id");

    public StoredConflict? GetConflict(long id) => Read($"SELECT {Columns} FROM conflicts WHERE id = @id", id).FirstOrDefault();

    public StoredConflict Log(StoredConflict conflict, Func<StoredConflict, EventRecord> logged)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        ArgumentNullException.ThrowIfNull(logged);
        StoredConflict? stored = null;
        _db.Write(() =>
        {
            using var cmd = _db.Command("""
                INSERT INTO conflicts (branch_a, branch_b, files, severity, status, detected_at, source, feature, note)
                VALUES (@a, @b, @files, @severity, 'active', @now, 'manual', @feature, @note) RETURNING id
                """);
            SqlStore.Bind(cmd, "@a", conflict.BranchA);
            SqlStore.Bind(cmd, "@b", conflict.BranchB);
            SqlStore.Bind(cmd, "@files", Files(conflict.Files));
            SqlStore.Bind(cmd, "@severity", conflict.Severity);
            SqlStore.Bind(cmd, "@now", SqlStore.Format(conflict.DetectedAt));
            SqlStore.Bind(cmd, "@feature", conflict.Feature);
            SqlStore.Bind(cmd, "@note", conflict.Note);
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

            using var cmd = _db.Command("UPDATE conflicts SET status = 'resolved', resolved_at = @now, resolution = @note WHERE id = @id AND status = 'active'");
            SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
            SqlStore.Bind(cmd, "@note", note);
            SqlStore.Bind(cmd, "@id", id);
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
            SqlStore.Bind(cmd, "@id", n);
        }

        using var r = cmd.ExecuteReader();
        var list = new List<StoredConflict>();
        while (r.Read())
        {
            var files = JsonSerializer.Deserialize(r.GetString(3), StoreJsonContext.Default.ListString) ?? [];
            list.Add(new StoredConflict(r.GetInt64(0), r.GetString(1), r.GetString(2), files, r.GetString(4), SqlStore.Time(r, "detected_at")!.Value)
            {
                Source = r.GetString(6),
                Feature = SqlStore.Text(r, "feature"),
                Note = SqlStore.Text(r, "note"),
                Status = r.GetString(9),
                Resolution = SqlStore.Text(r, "resolution"),
                ResolvedAt = SqlStore.Time(r, "resolved_at"),
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
                using var cmd = _db.Command("INSERT INTO conflicts (branch_a, branch_b, files, severity, status, detected_at) VALUES (@a, @b, @files, @severity, 'active', @now)");
                SqlStore.Bind(cmd, "@a", c.BranchA);
                SqlStore.Bind(cmd, "@b", c.BranchB);
                SqlStore.Bind(cmd, "@files", Files(c.Files));
                SqlStore.Bind(cmd, "@severity", c.Severity);
                SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
                cmd.ExecuteNonQuery();
            }

            foreach (var (was, next) in delta.Changed)
            {
                using var cmd = _db.Command("UPDATE conflicts SET files = @files, severity = @severity WHERE id = @id");
                SqlStore.Bind(cmd, "@files", Files(next.Files));
                SqlStore.Bind(cmd, "@severity", next.Severity);
                SqlStore.Bind(cmd, "@id", was.Id);
                cmd.ExecuteNonQuery();
            }

            foreach (var gone in delta.Resolved)
            {
                using var cmd = _db.Command("UPDATE conflicts SET status = 'resolved', resolved_at = @now WHERE id = @id");
                SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
                SqlStore.Bind(cmd, "@id", gone.Id);
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
