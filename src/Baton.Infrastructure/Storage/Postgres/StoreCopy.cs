using System.Globalization;
using Baton.Core;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Infrastructure.Storage.Postgres;

/// <summary>
/// `baton store migrate`: a repository's SQLite history copied into an empty PostgreSQL store, every
/// row with its id, in one transaction (all or nothing), the id sequences then moved past the
/// copied ids so new rows number on from them.
/// </summary>
public static class StoreCopy
{
    // Parents before children (tickets before their dependencies and issues).
    private static readonly string[] Tables =
    [
        "features", "tickets", "ticket_dependencies", "workers", "events", "merge_requests", "conflicts",
        "gate_runs", "blockers", "worker_usage", "github_issues", "notifications", "notify_cursor",
        "handoffs", "budgets",
    ];

    private static readonly (string Table, string Column)[] Identities =
    [
        ("events", "id"), ("tickets", "number"), ("merge_requests", "id"), ("conflicts", "id"), ("gate_runs", "id"),
        ("blockers", "id"), ("worker_usage", "id"), ("notifications", "id"), ("handoffs", "id"), ("budgets", "seq"),
    ];

    // Kept by the store itself (schema 16): the target's triggers count pending_deps again as the
    // dependencies are copied after their tickets, and ready is generated (it cannot be written).
    private static readonly string[] Derived = ["pending_deps", "ready"];

    /// <summary>Copies every row; returns the rows copied per table, in copy order.</summary>
    public static IReadOnlyList<(string Table, int Rows)> Copy(SqliteStore from, PostgresStore to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.SchemaVersion != to.SchemaVersion)
        {
            throw new BatonException($"{from.Location} is at schema version {from.SchemaVersion} and {to.Location} at {to.SchemaVersion}: run the same Baton on both");
        }

        var counts = new List<(string, int)>();
        to.Write(() =>
        {
            counts.Clear();
            foreach (var table in new[] { "tickets", "events", "workers" })
            {
                if (Count(to, table) > 0)
                {
                    throw new BatonException($"{to.Location} already holds {table}: `baton store migrate` copies into an empty store only (nothing was copied)");
                }
            }

            foreach (var table in Tables)
            {
                counts.Add((table, CopyTable(from, to, table)));
            }

            foreach (var (table, column) in Identities)
            {
                using var move = to.Command($"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {table}");
                move.ExecuteScalar();
            }
        });
        return counts;
    }

    private static int CopyTable(SqlStore from, SqlStore to, string table)
    {
        using var read = from.Command($"SELECT * FROM {table}");
        using var rows = read.ExecuteReader();
        var columns = Enumerable.Range(0, rows.FieldCount).Select(i => (Index: i, Name: rows.GetName(i)))
            .Where(c => !Derived.Contains(c.Name, StringComparer.Ordinal)).ToList();
        var insert = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var copied = 0;
        while (rows.Read())
        {
            using var write = to.Command(insert);
            for (var i = 0; i < columns.Count; i++)
            {
                // SQLite gives long, double, string or null: the column types PostgreSQL has for them.
                var at = columns[i].Index;
                SqlStore.Bind(write, "@p" + i.ToString(CultureInfo.InvariantCulture), rows.IsDBNull(at) ? null : rows.GetValue(at));
            }

            write.ExecuteNonQuery();
            copied++;
        }

        return copied;
    }

    private static long Count(SqlStore store, string table)
    {
        using var cmd = store.Command($"SELECT COUNT(*) FROM {table}");
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
