using System.Globalization;
using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Storage;
using Baton.Infrastructure.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Many `baton` processes write at once (agents
/// call it all day), so every write is a short <c>BEGIN IMMEDIATE</c> transaction that waits for
/// the lock for a bounded time (<see cref="BusyTimeout"/>) in which the lock must move: when one
/// holder keeps it that long the write fails with <see cref="StoreBusyException"/>, so an agent's
/// `baton ticket done` never hangs for minutes behind a stuck process.
/// </summary>
/// <remarks>
/// The one wait is SQLite's own busy handler (<c>PRAGMA busy_timeout</c>), which sleeps in short
/// growing steps until the lock frees. Microsoft.Data.Sqlite retries a busy statement on its own
/// until its command timeout, which it counts from the statement's start, so that timeout is set to
/// the whole seconds of the same wait: once SQLite's handler gives up, the driver gives up too,
/// instead of starting another full wait.
/// </remarks>
public sealed class SqliteStore : SqlStore
{
    /// <summary>How long a write waits for another process's write lock by default (<c>store.busy_timeout</c>).</summary>
    public static TimeSpan DefaultBusyTimeout => BatonConfig.Default.StoreBusyTimeout;

    private readonly SqliteConnection _connection;

    private SqliteStore(SqliteConnection connection)
        : base(connection)
    {
        _connection = connection;
    }

    public string Path { get; private init; } = "";

    public override string Location => Path;

    /// <summary>How long a write waits for the lock before failing with <see cref="StoreBusyException"/>.</summary>
    public TimeSpan BusyTimeout { get; private init; } = DefaultBusyTimeout;

    /// <summary>Opens the store; with <paramref name="create"/> the file is made when missing.</summary>
    /// <param name="busyTimeout">How long a write waits for another writer (at least 1 s); null: <see cref="DefaultBusyTimeout"/>.</param>
    public static SqliteStore Open(string path, bool create, TimeSpan? busyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var wait = busyTimeout ?? DefaultBusyTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.FromSeconds(1), nameof(busyTimeout));
        if (!create && !File.Exists(path))
        {
            throw new BatonException($"no Baton store at {path}: run `baton init` in the repository first");
        }

        SQLitePCL.Batteries_V2.Init();
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            // Whole seconds, never more than the busy handler's wait: see the remarks.
            DefaultTimeout = (int)wait.TotalSeconds,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)wait.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
            var store = new SqliteStore(connection) { Path = path, BusyTimeout = wait };

            // Only `baton init` makes a store: an existing file with no schema (0 bytes, truncated)
            // must not silently become a new, empty one and hide that the history is gone.
            if (!create && store.SchemaVersion == 0 && Convert.ToInt64(store.Scalar("SELECT count(*) FROM sqlite_master"), CultureInfo.InvariantCulture) == 0)
            {
                throw Damaged(path, "it has no tables (an empty or truncated file)");
            }

            store.Migrate();
            return store;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11) // SQLITE_NOTADB, SQLITE_CORRUPT
        {
            connection.Dispose();
            throw Damaged(path, e.Message);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static BatonException Damaged(string path, string why) => new(
        $"the Baton store at {path} is damaged: {why}. Nothing was changed. Restore it from a backup, or move it aside "
        + "and run `baton init` to start a new, empty store (its tickets and events are then lost)");

    public static int LatestSchemaVersion => Schema.Version;

    public override int SchemaVersion => Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);

    private void Migrate()
    {
        if (SchemaVersion >= Schema.Version)
        {
            return;
        }

        // WAL lets readers go on while one process writes; it is a property of the file, so it
        // only has to be set once, outside any transaction.
        Busy(() => Execute(_connection, "PRAGMA journal_mode = WAL;"));
        Write(() =>
        {
            // Another process may have migrated while we waited for the lock: read the version again.
            var current = SchemaVersion;
            for (var v = current; v < Schema.Version; v++)
            {
                Execute(_connection, Schema.Migrations[v]);
            }

            Execute(_connection, $"PRAGMA user_version = {Schema.Version}");
        });
    }

    internal override string InsertionOrder => "rowid";

    internal override string SkipLocked => "";

    internal override string JsonArrayHas(string column, string parameter) =>
        $"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {parameter})";

    public override long ChangeCounter() => Convert.ToInt64(Scalar("PRAGMA data_version"), CultureInfo.InvariantCulture);

    // data_version moves with other connections' commits only; total_changes() counts this one's rows.
    public override long Version() => (ChangeCounter() << 32) ^ Convert.ToInt64(Scalar("SELECT total_changes()"), CultureInfo.InvariantCulture);

    /// <summary>One write transaction; a lock held elsewhere past <see cref="BusyTimeout"/> fails it with <see cref="StoreBusyException"/>.</summary>
    internal override void Write(Action body)
    {
        BeginImmediate();
        try
        {
            body();
            Execute(_connection, "COMMIT");
        }
        catch
        {
            Execute(_connection, "ROLLBACK");
            throw;
        }
    }

    /// <summary>
    /// Takes the write lock, waiting <see cref="BusyTimeout"/> for it. If other writers committed
    /// during that wait (<c>PRAGMA data_version</c> moved), the lock is passing through a queue of short
    /// writes (fifty agents calling at once), not stuck: wait again. The write fails only when one
    /// holder kept the lock, committing nothing, for the whole wait.
    /// </summary>
    private void BeginImmediate()
    {
        var seen = DataVersion();
        while (true)
        {
            try
            {
                Execute(_connection, "BEGIN IMMEDIATE");
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
            {
                var now = DataVersion();
                if (now == seen)
                {
                    throw new StoreBusyException(Path, BusyTimeout, e);
                }

                seen = now;
            }
        }
    }

    private long DataVersion() => Convert.ToInt64(Scalar("PRAGMA data_version"), CultureInfo.InvariantCulture);

    /// <summary>Runs a statement that takes the write lock, turning SQLITE_BUSY / SQLITE_LOCKED (the wait ran out) into a clear failure.</summary>
    private void Busy(Action action)
    {
        try
        {
            action();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new StoreBusyException(Path, BusyTimeout, e);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
