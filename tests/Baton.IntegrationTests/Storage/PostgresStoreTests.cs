using System.Net;
using System.Net.Sockets;
using Baton.Core;
using Baton.Infrastructure.Storage.Postgres;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>What only the PostgreSQL store does: joining, refusing, and saying why it cannot connect.</summary>
public sealed class PostgresStoreTests : IClassFixture<PostgresServer>
{
    private readonly PostgresServer _server;
    private readonly PostgresDatabase _db;

    public PostgresStoreTests(PostgresServer server)
    {
        _server = server ?? throw new ArgumentNullException(nameof(server));
        _db = server.CreateDatabase();
    }

    private PostgresUrl Url => PostgresUrl.Parse(_db.Url);

    [Fact]
    public void A_transaction_left_idle_by_a_stranded_node_is_ended_by_the_server_and_the_write_lock_goes_with_it()
    {
        PostgresStore.Open(Url, _db.Password, create: true).Dispose();
        using var stranded = PostgresStore.Open(Url, _db.Password, create: false, strandedAfter: TimeSpan.FromSeconds(1));
        using var other = PostgresStore.Open(Url, _db.Password, create: false, busyTimeout: TimeSpan.FromSeconds(20));
        using var holding = new ManualResetEventSlim();

        // The stranded store takes the write lock and then says nothing, as a node cut off mid-transaction.
        var stuck = Task.Run(() => stranded.Write(() =>
        {
            holding.Set();
            Thread.Sleep(TimeSpan.FromSeconds(4));
        }));
        Assert.True(holding.Wait(TimeSpan.FromSeconds(20)), "the stranded store never took the write lock");

        // The other store's write waits for the lock, which comes free when the server ends the idle session.
        other.AppendEvent(new Baton.Core.Events.EventRecord { Time = DateTimeOffset.UtcNow, Type = "note", Message = "after the stranded one" });

        Assert.ThrowsAny<Exception>(() => stuck.GetAwaiter().GetResult());
        Assert.Contains(other.RecentEvents(new Baton.Core.Storage.EventQuery(5)), e => e.Message == "after the stranded one");
    }

    [Fact]
    public void Every_sqlite_migration_has_its_postgres_twin()
    {
        Assert.Equal(SqliteStore.LatestSchemaVersion, PostgresStore.LatestSchemaVersion);
    }

    [Fact]
    public void A_database_without_the_schema_is_refused_until_init_and_then_joined()
    {
        var refused = Assert.Throws<BatonException>(() => PostgresStore.Open(Url, _db.Password, create: false));
        Assert.Contains("baton init --store " + _db.Url, refused.Message);

        using (var made = PostgresStore.Open(Url, _db.Password, create: true))
        {
            Assert.Equal(PostgresStore.LatestSchemaVersion, made.SchemaVersion);
            made.AppendEvent(new Core.Events.EventRecord { Time = DateTimeOffset.UtcNow, Type = "note" });
        }

        // A second init joins the store as it is.
        using var joined = PostgresStore.Open(Url, _db.Password, create: true);
        Assert.Equal(1, joined.LastEventId());
    }

    [Fact]
    public void A_schema_newer_than_this_baton_is_refused_with_both_versions()
    {
        PostgresStore.Open(Url, _db.Password, create: true).Dispose();
        Raw("UPDATE baton_meta SET schema_version = 99");

        var e = Assert.Throws<BatonException>(() => PostgresStore.Open(Url, _db.Password, create: false));

        Assert.Contains("schema version 99", e.Message);
        Assert.Contains($"({PostgresStore.LatestSchemaVersion})", e.Message);
    }

    [Fact]
    public void An_unreachable_server_is_named_with_what_to_do()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var e = Assert.Throws<BatonException>(() => PostgresStore.Open(PostgresUrl.Parse($"postgres://baton@127.0.0.1:{port}/none"), null, create: false));

        Assert.Contains($"cannot reach the PostgreSQL store at 127.0.0.1:{port}", e.Message);
        Assert.Contains("BATON_STORE_URL", e.Message);
        Assert.Equal(1, e.ExitCode);
    }

    [Fact]
    public void A_wrong_password_says_where_the_password_comes_from()
    {
        var e = Assert.Throws<BatonException>(() => PostgresStore.Open(Url, "wrong", create: true));

        Assert.Contains("BATON_STORE_PASSWORD", e.Message);
        Assert.DoesNotContain("wrong", e.Message);
    }

    [Fact]
    public void A_url_keeps_no_password_when_written_down()
    {
        var url = PostgresUrl.Parse("postgres://ann:s3cret@db.example:6543/baton?sslmode=require");

        Assert.Equal(("db.example", 6543, "ann", "baton", "s3cret"), (url.Host, url.Port, url.User, url.Database, url.Password));
        Assert.Equal("postgres://ann@db.example:6543/baton?sslmode=require", url.ToString());
        Assert.Equal(5432, PostgresUrl.Parse("postgresql://ann@db/baton").Port);
        Assert.DoesNotContain("s3cret", Assert.Throws<BatonException>(() => PostgresUrl.Parse("postgres://ann:s3cret@db")).Message);
    }

    [Fact]
    public void A_write_waits_no_longer_than_the_busy_timeout_for_a_held_lock()
    {
        using var store = PostgresStore.Open(Url, _db.Password, create: true, TimeSpan.FromSeconds(1));
        using var holder = new NpgsqlConnection(_db.ConnectionString);
        holder.Open();
        using var tx = holder.BeginTransaction();
        using (var cmd = new NpgsqlCommand("UPDATE baton_meta SET changes = changes + 1", holder, tx))
        {
            cmd.ExecuteNonQuery();
        }

        var e = Assert.Throws<Core.Storage.StoreBusyException>(() => store.AppendEvent(new Core.Events.EventRecord { Time = DateTimeOffset.UtcNow, Type = "note" }));

        Assert.Contains(_db.Name, e.Message);
        tx.Rollback();
        store.AppendEvent(new Core.Events.EventRecord { Time = DateTimeOffset.UtcNow, Type = "note" });
        Assert.Equal(1, store.LastEventId());
    }

    private void Raw(string sql)
    {
        using var c = new NpgsqlConnection(_server.ConnectionString(_db.Name));
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
