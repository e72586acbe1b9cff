using System.Net;
using System.Net.Sockets;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>The real CLI on a shared PostgreSQL store: `baton init --store`, then tickets through it.</summary>
public sealed class PostgresCliTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresDatabase _db;
    private readonly TestRepo _repo = new(init: false);

    public PostgresCliTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _db = server.CreateDatabase();
    }

    public void Dispose() => _repo.Dispose();

    private string Create(string title) => _repo.Baton("ticket", "create", title, "--json").Ok().Json().GetProperty("id").GetString()!;

    [Fact]
    public void Init_with_a_store_url_saves_it_without_the_password_and_tickets_live_in_postgres()
    {
        // Given init with the password in the URL (used once, never saved)
        var withPassword = _db.Url.Replace("baton@", $"baton:{_db.Password}@", StringComparison.Ordinal);
        _repo.Baton("init", "--store", withPassword).Ok();

        var config = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"));
        Assert.Contains($"url: \"{_db.Url}\"", config);
        Assert.DoesNotContain(_db.Password, config);
        Assert.False(File.Exists(Path.Combine(_repo.Dir, ".baton", "baton.db")));

        // When tickets are created, listed and done through the CLI (the password from the environment)
        _repo.SetEnv("BATON_STORE_PASSWORD", _db.Password);
        Assert.Equal(("T-1", "T-2"), (Create("First"), Create("Second")));
        _repo.Baton("ticket", "update", "T-1", "--status", "in-progress").Ok();
        _repo.Baton("ticket", "done", "T-1", "--summary", "did it").Ok();

        // Then the CLI and the database agree
        var listed = _repo.Baton("ticket", "list", "--json").Ok().Json();
        Assert.Equal(2, listed.GetArrayLength());
        Assert.Equal("done", _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("status").GetString());
        using var c = new NpgsqlConnection(_db.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT status FROM tickets ORDER BY number", c);
        using var r = cmd.ExecuteReader();
        var statuses = new List<string>();
        while (r.Read())
        {
            statuses.Add(r.GetString(0));
        }

        Assert.Equal(["done", "open"], statuses);

        // And doctor checks the shared store, not a SQLite file
        var doctor = _repo.Baton("doctor");
        Assert.Contains($"{_db.Url}: schema version", doctor.Stdout + doctor.Stderr);

        // And a second init joins the store as it is
        _repo.Baton("init", "--store", _db.Url).Ok();
        Assert.Equal(2, _repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength());
    }

    [Fact]
    public void An_unreachable_store_fails_at_once_naming_host_and_port()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var init = _repo.Baton("init", "--store", $"postgres://baton@127.0.0.1:{port}/baton");
        Assert.Equal(1, init.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", init.Stderr);
        Assert.False(File.Exists(Path.Combine(_repo.Dir, ".baton", "config.yaml")));

        _repo.Baton("init").Ok();
        _repo.SetEnv("BATON_STORE_URL", $"postgres://baton@127.0.0.1:{port}/baton");
        var list = _repo.Baton("ticket", "list");
        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"cannot reach the PostgreSQL store at 127.0.0.1:{port}", list.Stderr);
    }

    [Fact]
    public void Store_migrate_copies_the_sqlite_history_and_numbering_goes_on_from_it()
    {
        // Given a repository on SQLite with tickets, a dependency, a feature and their events
        _repo.Baton("init").Ok();
        _repo.Baton("feature", "add", "auth", "Log in").Ok();
        Create("First");
        _repo.Baton("ticket", "create", "Second", "--depends-on", "T-1", "--feature", "auth").Ok();
        _repo.Baton("ticket", "update", "T-1", "--status", "in-progress").Ok();
        var events = _repo.Baton("events", "recent", "100", "--json").Ok().Json().GetArrayLength();

        // When it moves to PostgreSQL
        _repo.SetEnv("BATON_STORE_PASSWORD", _db.Password);
        _repo.Baton("init", "--store", _db.Url).Ok();
        var migrated = _repo.Baton("store", "migrate", "--from", ".baton/baton.db", "--json").Ok().Json();

        // Then the CLI reads the same history from PostgreSQL, and new rows number on
        Assert.Contains(migrated.GetProperty("tables").EnumerateArray(), t => t.GetProperty("table").GetString() == "tickets" && t.GetProperty("rows").GetInt32() == 2);
        Assert.Equal(events, _repo.Baton("events", "recent", "100", "--json").Ok().Json().GetArrayLength());
        var second = _repo.Baton("ticket", "show", "T-2", "--json").Ok().Json();
        Assert.Equal("T-1", second.GetProperty("depends_on")[0].GetString());
        Assert.Equal("in-progress", _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("status").GetString());
        Assert.Equal("T-3", Create("Third"));

        // And a second copy is refused: the store is no longer empty
        var again = _repo.Baton("store", "migrate", "--json");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("empty store only", again.Stderr);
    }
}
