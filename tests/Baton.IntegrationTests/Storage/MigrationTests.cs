using Baton.Core.Storage;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Baton.IntegrationTests.Storage;

public sealed class MigrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-migrate-").FullName;
    private string Db => Path.Combine(_dir, "baton.db");

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData("")]                       // truncated to nothing
    [InlineData("not a database at all")]  // overwritten
    public void A_damaged_store_is_refused_with_its_path_and_left_as_it_was(string content)
    {
        File.WriteAllText(Db, content);

        var e = Assert.Throws<Baton.Core.BatonException>(() => SqliteStore.Open(Db, create: false));

        Assert.Contains($"the Baton store at {Db} is damaged", e.Message, StringComparison.Ordinal);
        Assert.Contains("Restore it from a backup", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(Db));
    }

    [Fact]
    public void The_cli_refuses_a_zero_byte_store_instead_of_starting_an_empty_one()
    {
        using var repo = new Baton.IntegrationTests.Support.TestRepo();
        repo.Baton("ticket", "create", "Keep me").Ok();
        var db = Path.Combine(repo.Dir, ".baton", "baton.db");
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists))
        {
            File.WriteAllBytes(file, []);
        }

        var list = repo.Baton("ticket", "list");

        Assert.Equal(1, list.ExitCode);
        Assert.Contains("is damaged: it has no tables", list.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(db).Length);
    }

    [Fact]
    public void A_version_1_store_with_workers_and_events_is_migrated_to_tickets_and_keeps_its_data()
    {
        // Given a store as the first release wrote it: schema 1, a worker and an event
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = Schema.Migrations[0] + """
                ;INSERT INTO workers (name, agent, mode, directory, state, state_since, created_at)
                 VALUES ('old', 'scripted', 'tmux', '/repo', 'idle', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
                INSERT INTO events (time, type, worker, message) VALUES ('2026-01-01T00:00:00.000Z', 'worker_spawned', 'old', 'hello');
                PRAGMA user_version = 1;
                """;
            cmd.ExecuteNonQuery();
        }

        // When a current baton opens it
        using var store = SqliteStore.Open(Db, create: false);
        var tickets = new SqlTicketStore(store);

        // Then it is at the latest schema, the old rows are intact and tickets work
        Assert.Equal(SqliteStore.LatestSchemaVersion, store.SchemaVersion);
        Assert.Equal("idle", store.GetWorker("old")!.State.ToString().ToLowerInvariant());
        Assert.Equal("hello", store.RecentEvents(new EventQuery(10, "old")).Single().Message);
        Assert.Empty(tickets.ListTickets(new TicketQuery()));
        Assert.Empty(tickets.FeatureStatuses());
    }

    [Fact]
    public void A_version_15_store_gets_its_ready_flags_counted_from_the_dependencies_it_holds()
    {
        // Given a store at schema 15 with a done ticket, an open one, and dependents on each
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = string.Join(";\n", Schema.Migrations.Take(15)) + """
                ;INSERT INTO tickets (number, title, status, priority, priority_rank, created_at, updated_at)
                 VALUES (1, 'done', 'done', 'medium', 2, '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z'),
                        (2, 'open', 'open', 'medium', 2, '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.000Z'),
                        (3, 'on the done one', 'queued', 'medium', 2, '2026-01-01T00:00:03.000Z', '2026-01-01T00:00:03.000Z'),
                        (4, 'on both', 'open', 'medium', 2, '2026-01-01T00:00:04.000Z', '2026-01-01T00:00:04.000Z');
                INSERT INTO ticket_dependencies (ticket, depends_on) VALUES (3, 1), (4, 1), (4, 2);
                PRAGMA user_version = 15;
                """;
            cmd.ExecuteNonQuery();
        }

        // When a current baton opens it
        using var store = SqliteStore.Open(Db, create: false);
        var tickets = new SqlTicketStore(store);

        // Then the ready tickets are those whose dependencies are done, and they move as before
        Assert.Equal([2L, 3L], tickets.ReadyNumbers(null));
        tickets.Mutate(2, t => new TicketMutation(t with { Status = Baton.Core.Tickets.TicketStatus.Done }, []));
        Assert.Equal([3L, 4L], tickets.ReadyNumbers(null));
    }
}
