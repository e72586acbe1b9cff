using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>
/// A write lock held by another process (a real second connection in BEGIN IMMEDIATE) makes a write
/// wait once, for store.busy_timeout, then fail saying the store is busy: never minutes of stacked retries.
/// </summary>
public sealed class StoreBusyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-busy-").FullName;
    private string Db => Path.Combine(_dir, "baton.db");

    public void Dispose() => Directory.Delete(_dir, true);

    private static EventRecord Note() => new() { Time = DateTimeOffset.UtcNow, Type = "note", Message = "after the wait" };

    [Fact]
    public async Task A_write_behind_a_held_lock_fails_clearly_after_the_configured_wait_and_writes_nothing()
    {
        using (SqliteStore.Open(Db, create: true))
        {
        }

        using var holder = Holder();
        using var store = SqliteStore.Open(Db, create: false, TimeSpan.FromSeconds(1));

        // Run off the test thread so a regression to minutes of retries fails this test, not the run.
        var e = await Task.Run(() => Assert.Throws<StoreBusyException>(() => store.AppendEvent(Note())))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("the store is busy: another process held its write lock (" + Db + ") for more than 1 s; try again", e.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), e.Waited);
        Assert.Equal(1, e.ExitCode);

        // Once the other process lets go, the same store writes again: the failed write left no transaction open.
        Execute(holder, "ROLLBACK");
        store.AppendEvent(Note());
        Assert.Single(store.RecentEvents(new EventQuery(10, Type: "note")));
    }

    [Fact]
    public async Task A_write_behind_a_queue_of_short_writes_waits_its_turn_instead_of_failing()
    {
        using (SqliteStore.Open(Db, create: true))
        {
        }

        // Given another process that keeps the lock across five short writes of 400 ms each (2 s in all,
        // twice the wait), taking it again the instant it commits
        using var holder = Holder();
        using var store = SqliteStore.Open(Db, create: false, TimeSpan.FromSeconds(1));
        var queue = Task.Run(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                Thread.Sleep(400); // the other process's work inside its transaction
                Execute(holder, "INSERT INTO events (time, type, message) VALUES ('2026-01-01T00:00:00.000Z', 'note', 'queued');");
                Execute(holder, i < 4 ? "COMMIT; BEGIN IMMEDIATE;" : "COMMIT;");
            }
        });

        // When this store writes meanwhile, Then it waits for the queue (the lock moved within each wait) and succeeds
        var write = Task.Run(() => store.AppendEvent(Note()));
        await Task.WhenAll(queue, write).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(6, store.RecentEvents(new EventQuery(10, Type: "note")).Count);
    }

    [Fact]
    public void The_cli_reports_a_busy_store_with_its_configured_wait_and_fails()
    {
        using var repo = new TestRepo();
        var config = Path.Combine(repo.Dir, ".baton", "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("busy_timeout: 10s", "busy_timeout: 1s", StringComparison.Ordinal));
        Assert.Contains("busy_timeout: 1s", File.ReadAllText(config), StringComparison.Ordinal);

        using var holder = Holder(Path.Combine(repo.Dir, ".baton", "baton.db"));
        var result = repo.Baton("events", "log", "note", "blocked");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("baton: the store is busy: another process held its write lock", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("for more than 1 s; try again", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A second connection holding the write lock, as another `baton` process in a write would.</summary>
    private SqliteConnection Holder(string? db = null)
    {
        var connection = new SqliteConnection($"Data Source={db ?? Db};Pooling=False");
        connection.Open();
        Execute(connection, "BEGIN IMMEDIATE");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
