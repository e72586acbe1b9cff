using Baton.Core.Merge;
using Baton.Core.Storage;
using System.Data.Common;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Gate runs and merge requests in the store (SQLite or PostgreSQL).</summary>
public sealed class SqlMergeStore : IMergeStore
{
    private readonly SqlStore _db;

    public SqlMergeStore(SqlStore db)
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
                VALUES (@ticket, @worker, @branch, @kind, @status, @passed, @failed, @skipped, @output, @started, @finished)
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
                UPDATE gate_runs SET status = @status, passed = @passed, failed = @failed, skipped = @skipped,
                    output = @output, finished_at = @finished WHERE id = @id
                """);
            BindRun(cmd, run);
            SqlStore.Bind(cmd, "@id", run.Id);
            cmd.ExecuteNonQuery();
        });
    }

    public int AbandonRunningGateRuns(DateTimeOffset now)
    {
        var count = 0;
        _db.Write(() =>
        {
            using var cmd = _db.Command("UPDATE gate_runs SET status = 'abandoned', finished_at = @now WHERE status = 'running'");
            SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
            count = cmd.ExecuteNonQuery();
        });
        return count;
    }

    public IReadOnlyList<GateRun> GateRuns(long? ticket, int limit)
    {
        using var cmd = _db.Command(ticket is null
            ? "SELECT * FROM gate_runs ORDER BY id DESC LIMIT @limit"
            : "SELECT * FROM gate_runs WHERE ticket = @ticket ORDER BY id DESC LIMIT @limit");
        SqlStore.Bind(cmd, "@ticket", ticket);
        SqlStore.Bind(cmd, "@limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<GateRun>();
        while (r.Read())
        {
            list.Add(new GateRun
            {
                Id = r.GetInt64(r.GetOrdinal("id")),
                Ticket = r.IsDBNull(r.GetOrdinal("ticket")) ? null : r.GetInt64(r.GetOrdinal("ticket")),
                Worker = SqlStore.Text(r, "worker"),
                Branch = SqlStore.Text(r, "branch"),
                Kind = r.GetString(r.GetOrdinal("kind")),
                Status = r.GetString(r.GetOrdinal("status")),
                Passed = SqlStore.Int(r, "passed"),
                Failed = SqlStore.Int(r, "failed"),
                Skipped = SqlStore.Int(r, "skipped"),
                Output = SqlStore.Text(r, "output") ?? "",
                StartedAt = SqlStore.Time(r, "started_at")!.Value,
                FinishedAt = SqlStore.Time(r, "finished_at"),
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
    internal static List<MergeRequest> Read(DbCommand cmd)
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
                Number = SqlStore.Int(r, "number"),
                Url = SqlStore.Text(r, "url"),
                Status = MergeRequestStatuses.FromStored(r.GetString(r.GetOrdinal("status"))),
                Detail = SqlStore.Text(r, "detail"),
                CreatedAt = SqlStore.Time(r, "created_at")!.Value,
                UpdatedAt = SqlStore.Time(r, "updated_at")!.Value,
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
    internal static void Save(SqlStore db, MergeRequest mr)
    {
        using var cmd = db.Command(mr.Id == 0
            ? """
              INSERT INTO merge_requests (ticket, branch, target, kind, status, detail, number, url, created_at, updated_at)
              VALUES (@ticket, @branch, @target, @kind, @status, @detail, @number, @url, @created, @updated)
              """
            : "UPDATE merge_requests SET status = @status, detail = @detail, target = @target, number = @number, url = @url, updated_at = @updated WHERE id = @id");
        SqlStore.Bind(cmd, "@id", mr.Id);
        SqlStore.Bind(cmd, "@ticket", mr.Ticket);
        SqlStore.Bind(cmd, "@branch", mr.Branch);
        SqlStore.Bind(cmd, "@target", mr.Target);
        SqlStore.Bind(cmd, "@kind", mr.Kind.ToText());
        SqlStore.Bind(cmd, "@status", mr.Status.ToText());
        SqlStore.Bind(cmd, "@detail", mr.Detail);
        SqlStore.Bind(cmd, "@number", mr.Number);
        SqlStore.Bind(cmd, "@url", mr.Url);
        SqlStore.Bind(cmd, "@created", SqlStore.Format(mr.CreatedAt));
        SqlStore.Bind(cmd, "@updated", SqlStore.Format(mr.UpdatedAt));
        cmd.ExecuteNonQuery();
    }

    private static void BindRun(DbCommand cmd, GateRun run)
    {
        SqlStore.Bind(cmd, "@ticket", run.Ticket);
        SqlStore.Bind(cmd, "@worker", run.Worker);
        SqlStore.Bind(cmd, "@branch", run.Branch);
        SqlStore.Bind(cmd, "@kind", run.Kind);
        SqlStore.Bind(cmd, "@status", run.Status);
        SqlStore.Bind(cmd, "@passed", run.Passed);
        SqlStore.Bind(cmd, "@failed", run.Failed);
        SqlStore.Bind(cmd, "@skipped", run.Skipped);
        SqlStore.Bind(cmd, "@output", run.Output);
        SqlStore.Bind(cmd, "@started", SqlStore.Format(run.StartedAt));
        SqlStore.Bind(cmd, "@finished", SqlStore.Format(run.FinishedAt));
    }
}
