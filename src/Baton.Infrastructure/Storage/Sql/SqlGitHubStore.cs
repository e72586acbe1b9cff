using Baton.Core.GitHub;
using Baton.Core.Merge;
using Baton.Core.Storage;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Linked issues and pull requests in the store (SQLite or PostgreSQL).</summary>
public sealed class SqlGitHubStore : IGitHubStore
{
    private readonly SqlStore _db;

    public SqlGitHubStore(SqlStore db)
    {
        _db = db;
    }

    public void LinkIssue(long ticket, string repository, int issue, DateTimeOffset now) => _db.Write(() =>
    {
        using var cmd = _db.Command("""
            INSERT INTO github_issues (ticket, repository, issue, created_at) VALUES (@ticket, @repository, @issue, @now)
            ON CONFLICT (ticket) DO NOTHING
            """);
        SqlStore.Bind(cmd, "@ticket", ticket);
        SqlStore.Bind(cmd, "@repository", repository);
        SqlStore.Bind(cmd, "@issue", issue);
        SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
        cmd.ExecuteNonQuery();
    });

    public IReadOnlyList<LinkedIssue> LinkedIssues()
    {
        using var cmd = _db.Command("SELECT ticket, repository, issue, synced FROM github_issues ORDER BY ticket");
        using var r = cmd.ExecuteReader();
        var list = new List<LinkedIssue>();
        while (r.Read())
        {
            list.Add(new LinkedIssue(r.GetInt64(0), r.GetString(1), SqlStore.Int32(r, 2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return list;
    }

    public void MarkSynced(long ticket, string state, DateTimeOffset now) => _db.Write(() =>
    {
        using var cmd = _db.Command("UPDATE github_issues SET synced = @state, synced_at = @now WHERE ticket = @ticket");
        SqlStore.Bind(cmd, "@ticket", ticket);
        SqlStore.Bind(cmd, "@state", state);
        SqlStore.Bind(cmd, "@now", SqlStore.Format(now));
        cmd.ExecuteNonQuery();
    });

    public IReadOnlyList<MergeRequest> PullRequests(bool openOnly)
    {
        using var cmd = _db.Command(openOnly
            ? "SELECT * FROM merge_requests WHERE kind = 'github' AND status IN ('open', 'approved') ORDER BY id"
            : "SELECT * FROM merge_requests WHERE kind = 'github' ORDER BY id");
        return SqlMergeStore.Read(cmd);
    }
}
