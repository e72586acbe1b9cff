using Baton.Core;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Workers;
using Baton.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>What only the SQLite store does (WAL, files); the shared behaviour is in <see cref="StoreContract"/>.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-store-").FullName;
    private string Db => Path.Combine(_dir, "baton.db");

    public void Dispose() => Directory.Delete(_dir, true);

    private static Worker NewWorker(string name, WorkerState state = WorkerState.Starting) => new()
    {
        Name = name,
        Agent = "scripted",
        Mode = WorkerMode.Tmux,
        Session = "baton-" + name,
        Directory = "/repo",
        State = state,
        StateSince = DateTimeOffset.UtcNow,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static EventRecord Event(string type, string worker) => new() { Time = DateTimeOffset.UtcNow, Type = type, Worker = worker };

    [Fact]
    public void A_new_store_is_in_wal_mode_at_the_latest_schema()
    {
        using var store = SqliteStore.Open(Db, create: true);

        Assert.Equal(SqliteStore.LatestSchemaVersion, store.SchemaVersion);
        using var c = new SqliteConnection($"Data Source={Db}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Opening_a_missing_store_without_create_says_to_run_init()
    {
        var e = Assert.Throws<BatonException>(() => SqliteStore.Open(Db, create: false));

        Assert.Contains("baton init", e.Message);
    }

    [Fact]
    public void Two_readers_of_the_same_hook_records_store_them_once()
    {
        using var store = SqliteStore.Open(Db, create: true);
        var w = NewWorker("w", WorkerState.Idle);
        store.AddWorker(w, Event(EventTypes.WorkerSpawned, "w"));
        var read = store.GetWorker("w")!;

        // Two monitors read the same spool lines from the same offset and decide nothing else
        var first = store.UpdateWorkers([new WorkerChange(read with { HookOffset = 120 }, null, read) { Before = [Event(EventTypes.WorkerHook, "w")] }]);
        var second = store.UpdateWorkers([new WorkerChange(read with { HookOffset = 120 }, null, read) { Before = [Event(EventTypes.WorkerHook, "w")] }]);

        Assert.Equal((1, 0), (first, second));
        Assert.Single(store.RecentEvents(new EventQuery(10, Type: EventTypes.WorkerHook)));
    }

    [Fact]
    public void An_empty_file_becomes_a_store_only_when_init_creates_it()
    {
        // Given a file with no schema (version 0, no tables)
        using (var c = new SqliteConnection($"Data Source={Db}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 0";
            cmd.ExecuteNonQuery();
        }

        // An ordinary open refuses it (MigrationTests: older stores with tables are migrated);
        // init's open brings it to the current schema.
        Assert.Throws<Baton.Core.BatonException>(() => SqliteStore.Open(Db, create: false));
        using var store = SqliteStore.Open(Db, create: true);

        Assert.Equal(SqliteStore.LatestSchemaVersion, store.SchemaVersion);
        store.AppendEvent(Event("note", "w"));
    }
}
