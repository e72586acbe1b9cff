using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// The real PostgreSQL store made busy by a test connection holding a lock longer than
/// store.busy_timeout (1 s here): a node waits it out and goes on; a CLI write or read that runs
/// into such a lock says the store is busy instead of failing as an internal error.
/// </summary>
public sealed class NodeStoreBusyTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresDatabase _db;
    private readonly TestRepo _repo = new(init: false);
    private readonly List<Process> _nodes = [];

    public NodeStoreBusyTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _db = server.CreateDatabase();
        _repo.SetEnv("BATON_STORE_PASSWORD", _db.Password);
        _repo.Baton("init", "--store", _db.Url).Ok();
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), $"""
            store:
              url: "{_db.Url}"
              busy_timeout: 1s
            agents:
              default: scripted
            autopilot:
              tick: 200ms
              retry_base: 0s
              retry_max: 1s
            nodes:
              lease_ttl: 30s
              heartbeat: 500ms
              remote: none

            """);
    }

    public void Dispose()
    {
        NodeProcesses.Stop(_nodes);

        _repo.Dispose();
    }

    /// <summary>A transaction of a test connection holding <paramref name="sql"/>'s locks until disposed (rolled back).</summary>
    private NpgsqlTransaction Hold(string sql, out NpgsqlConnection connection)
    {
        connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        var tx = connection.BeginTransaction();
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.ExecuteNonQuery();
        return tx;
    }

    [Fact]
    public void A_node_whose_store_stays_busy_past_busy_timeout_says_so_once_waits_and_goes_on_once_it_is_free()
    {
        var output = new ConcurrentQueue<string>();
        string Diagnose() => Describe(_repo, new CliResult(0, "", "")) + "\nnode:\n" + string.Join('\n', output);
        var node = _repo.StartBaton(new Dictionary<string, string>(), output, "node", "--name", "n1", "--capacity", "1", "--plain");
        _nodes.Add(node);
        TestRepo.WaitUntil(() => Events(_repo, "node_started").Count == 1, "the node started", 60, Diagnose);

        // When another session holds the store's write lock (the meta row) for several busy_timeouts
        NpgsqlConnection holder;
        using (var tx = Hold("UPDATE baton_meta SET changes = changes + 1 WHERE id = 1", out holder))
        {
            // (The diagnosis here is the node's output alone: the CLI's reads would wait on the lock too.)
            TestRepo.WaitUntil(() => output.Any(l => l.Contains("the store is busy", StringComparison.Ordinal)), "the node said the store is busy", 60, () => string.Join('\n', output));
            Thread.Sleep(TimeSpan.FromSeconds(4)); // several tries of its backoff, each failing busy
            Assert.False(node.HasExited, "the node ended on a busy store:\n" + string.Join('\n', output));
            tx.Rollback();
        }

        holder.Dispose();

        // Then it says the store is back, once, and works on: a ticket filed now is run and merged
        TestRepo.WaitUntil(() => output.Any(l => l.Contains("store writable again", StringComparison.Ordinal)), "the node said the store is writable again", 60, Diagnose);
        Assert.Single(output, l => l.Contains("the store is busy", StringComparison.Ordinal));
        var resumed = Assert.Single(Events(_repo, "node_resumed"));
        Assert.True(long.Parse(resumed.GetProperty("metadata").GetProperty("away_ms").GetString()!, CultureInfo.InvariantCulture) >= 1000);
        Assert.Empty(Events(_repo, "node_reconnected")); // busy is not lost: its connection stayed
        var id = Ticket(_repo, "After the wait", "@write after.txt ok\n@commit T-1: after\n@run baton ticket done T-1");
        TestRepo.WaitUntil(() => Status(_repo, id) == "done", "T-1 is done", 120, Diagnose);
        Assert.False(node.HasExited);
    }

    [Fact]
    public void A_cli_write_or_read_behind_a_lock_held_past_busy_timeout_says_the_store_is_busy_and_what_to_do()
    {
        _repo.Baton("ticket", "create", "First").Ok();

        // A lock on the tickets table (not the meta row): the write's INSERT waits for it and times out
        NpgsqlConnection holder;
        using (var tx = Hold("LOCK TABLE tickets IN SHARE MODE", out holder))
        {
            var create = _repo.Baton("ticket", "create", "Second");
            Assert.Equal(1, create.ExitCode);
            Assert.Contains("the store is busy", create.Stderr, StringComparison.Ordinal);
            Assert.Contains(_db.Name, create.Stderr, StringComparison.Ordinal);
            Assert.Contains("try again", create.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", create.Stderr, StringComparison.Ordinal);
            tx.Rollback();
        }

        holder.Dispose();

        // A read behind a lock that keeps readers out, outside any write transaction
        using (var tx = Hold("LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE", out holder))
        {
            var list = _repo.Baton("ticket", "list");
            Assert.Equal(1, list.ExitCode);
            Assert.Contains("the store is busy", list.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("internal error", list.Stderr, StringComparison.Ordinal);
            tx.Rollback();
        }

        holder.Dispose();

        // Nothing was written meanwhile; once free, the write goes through
        Assert.Equal(1, _repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength());
        _repo.Baton("ticket", "create", "Second").Ok();
    }
}
