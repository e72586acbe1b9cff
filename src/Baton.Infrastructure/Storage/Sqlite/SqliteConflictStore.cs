using System.Text.Json;
using Baton.Core.Conflicts;
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

    public IReadOnlyList<StoredConflict> ActiveConflicts()
    {
        using var cmd = _db.Command("SELECT id, branch_a, branch_b, files, severity, detected_at FROM conflicts WHERE status = 'active' ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<StoredConflict>();
        while (r.Read())
        {
            var files = JsonSerializer.Deserialize(r.GetString(3), StoreJsonContext.Default.ListString) ?? [];
            list.Add(new StoredConflict(r.GetInt64(0), r.GetString(1), r.GetString(2), files, r.GetString(4), SqliteStore.Time(r, "detected_at")!.Value));
        }

        return list;
    }

    public ConflictDelta Sync(DateTimeOffset now, Func<IReadOnlyList<StoredConflict>, ConflictDelta> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        ConflictDelta? delta = null;
        _db.Write(() =>
        {
            delta = decide(ActiveConflicts());
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
