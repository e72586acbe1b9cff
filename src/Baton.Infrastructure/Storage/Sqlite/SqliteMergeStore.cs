using Baton.Core.Merge;
using Baton.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>Gate runs and merge requests in SQLite.</summary>
public sealed class SqliteMergeStore : IMergeStore
{
    private readonly SqliteStore _db;

    public SqliteMergeStore(SqliteStore db)
    {
        _db = db;
    }

    public GateRun AddGateRun(GateRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        long id = 0;
        _db.Write(() =>
        {
            using var cmd = _db.Command("""
                INSERT INTO gate_runs (ticket, worker, branch, kind, status, passed, failed, skipped, output, started_at, finished_at)
                VALUES ($ticket, $worker, $branch, $kind, $status, $passed, $failed, $skipped, $output, $started, $finished)
                RETURNING id
                """);
            BindRun(cmd, run);
            id = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });
        return run with { Id = id };
    }

    public void FinishGateRun(GateRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _db.Write(() =>
        {
            using var cmd = _db.Command("""
                UPDATE gate_runs SET status = $status, passed = $passed, failed = $failed, skipped = $skipped,
                    output = $output, finished_at = $finished WHERE id = $id
                """);
            BindRun(cmd, run);
            SqliteStore.Bind(cmd, "$id", run.Id);
            cmd.ExecuteNonQuery();
        });
    }

    public int AbandonRunningGateRuns(DateTimeOffset now)
    {
        var count = 0;
        _db.Write(() =>
        {
            using var cmd = _db.Command("UPDATE gate_runs SET status = 'abandoned', finished_at = $now WHERE status = 'running'");
            SqliteStore.Bind(cmd, "$now", SqliteStore.Format(now));
            count = cmd.ExecuteNonQuery();
        });
        return count;
    }

    public IReadOnlyList<GateRun> GateRuns(long? ticket, int limit)
    {
        using var cmd = _db.Command(ticket is null
            ? "SELECT * FROM gate_runs ORDER BY id DESC LIMIT $limit"
            : "SELECT * FROM gate_runs WHERE ticket = $ticket ORDER BY id DESC LIMIT $limit");
        SqliteStore.Bind(cmd, "$ticket", ticket);
        SqliteStore.Bind(cmd, "$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<GateRun>();
        while (r.Read())
        {
            list.Add(new GateRun
            {
                Id = r.GetInt64(r.GetOrdinal("id")),
                Ticket = r.IsDBNull(r.GetOrdinal("ticket")) ? null : r.GetInt64(r.GetOrdinal("ticket")),
                Worker = SqliteStore.Text(r, "worker"),
                Branch = SqliteStore.Text(r, "branch"),
                Kind = r.GetString(r.GetOrdinal("kind")),
                Status = r.GetString(r.GetOrdinal("status")),
                Passed = SqliteStore.Int(r, "passed"),
                Failed = SqliteStore.Int(r, "failed"),
                Skipped = SqliteStore.Int(r, "skipped"),
                Output = SqliteStore.Text(r, "output") ?? "",
                StartedAt = SqliteStore.Time(r, "started_at")!.Value,
                FinishedAt = SqliteStore.Time(r, "finished_at"),
            });
        }

        return list;
    }

    public IReadOnlyList<MergeRequest> MergeRequests(bool openOnly)
    {
        using var cmd = _db.Command(openOnly
            ? "SELECT * FROM merge_requests WHERE status IN ('queued', 'merging') ORDER BY id"
            : "SELECT * FROM merge_requests ORDER BY id");
        return Read(cmd);
    }

    /// <summary>Reads merge request rows.</summary>
    internal static List<MergeRequest> Read(SqliteCommand cmd)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        using var r = cmd.ExecuteReader();
        var list = new List<MergeRequest>();
        while (r.Read())
        {
            list.Add(new MergeRequest
            {
                Id = r.GetInt64(r.GetOrdinal("id")),
                Ticket = r.IsDBNull(r.GetOrdinal("ticket")) ? null : r.GetInt64(r.GetOrdinal("ticket")),
                Branch = r.GetString(r.GetOrdinal("branch")),
                Target = r.GetString(r.GetOrdinal("target")),
                Kind = MergeRequestKinds.FromStored(r.GetString(r.GetOrdinal("kind"))),
                Number = SqliteStore.Int(r, "number"),
                Url = SqliteStore.Text(r, "url"),
                Status = MergeRequestStatuses.FromStored(r.GetString(r.GetOrdinal("status"))),
                Detail = SqliteStore.Text(r, "detail"),
                CreatedAt = SqliteStore.Time(r, "created_at")!.Value,
                UpdatedAt = SqliteStore.Time(r, "updated_at")!.Value,
            });
        }

        return list;
    }

    public void SaveMergeRequest(MergeRequest request, Baton.Core.Events.EventRecord recorded)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(recorded);
        _db.Write(() =>
        {
            Save(_db, request);
            _db.Insert(recorded);
        });
    }

    /// <summary>Inserts (id 0) or updates a merge request; called inside the caller's write transaction.</summary>
    internal static void Save(SqliteStore db, MergeRequest mr)
    {
        using var cmd = db.Command(mr.Id == 0
            ? """
              INSERT INTO merge_requests (ticket, branch, target, kind, status, detail, number, url, created_at, updated_at)
              VALUES ($ticket, $branch, $target, $kind, $status, $detail, $number, $url, $created, $updated)
              """
            : "UPDATE merge_requests SET status = $status, detail = $detail, target = $target, number = $number, url = $url, updated_at = $updated WHERE id = $id");
        SqliteStore.Bind(cmd, "$id", mr.Id);
        SqliteStore.Bind(cmd, "$ticket", mr.Ticket);
        SqliteStore.Bind(cmd, "$branch", mr.Branch);
        SqliteStore.Bind(cmd, "$target", mr.Target);
        SqliteStore.Bind(cmd, "$kind", mr.Kind.ToText());
        SqliteStore.Bind(cmd, "$status", mr.Status.ToText());
        SqliteStore.Bind(cmd, "$detail", mr.Detail);
        SqliteStore.Bind(cmd, "$number", mr.Number);
        SqliteStore.Bind(cmd, "$url", mr.Url);
        SqliteStore.Bind(cmd, "$created", SqliteStore.Format(mr.CreatedAt));
        SqliteStore.Bind(cmd, "$updated", SqliteStore.Format(mr.UpdatedAt));
        cmd.ExecuteNonQuery();
    }

    private static void BindRun(SqliteCommand cmd, GateRun run)
    {
        SqliteStore.Bind(cmd, "$ticket", run.Ticket);
        SqliteStore.Bind(cmd, "$worker", run.Worker);
        SqliteStore.Bind(cmd, "$branch", run.Branch);
        SqliteStore.Bind(cmd, "$kind", run.Kind);
        SqliteStore.Bind(cmd, "$status", run.Status);
        SqliteStore.Bind(cmd, "$passed", run.Passed);
        SqliteStore.Bind(cmd, "$failed", run.Failed);
        SqliteStore.Bind(cmd, "$skipped", run.Skipped);
        SqliteStore.Bind(cmd, "$output", run.Output);
        SqliteStore.Bind(cmd, "$started", SqliteStore.Format(run.StartedAt));
        SqliteStore.Bind(cmd, "$finished", SqliteStore.Format(run.FinishedAt));
    }
}
