using System.Globalization;
using System.Text.Json;
using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Workers;
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
public sealed class SqliteStore : IStore, IDisposable
{
    /// <summary>How long a write waits for another process's write lock by default (<c>store.busy_timeout</c>).</summary>
    public static TimeSpan DefaultBusyTimeout => BatonConfig.Default.StoreBusyTimeout;

    private readonly SqliteConnection _connection;

    private SqliteStore(SqliteConnection connection)
    {
        _connection = connection;
    }

    public string Path { get; private init; } = "";

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

    public int SchemaVersion => Convert.ToInt32(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);

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

    public Worker? GetWorker(string name)
    {
        using var cmd = Command("SELECT * FROM workers WHERE name = $name");
        cmd.Parameters.AddWithValue("$name", name);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadWorker(reader) : null;
    }

    public IReadOnlyList<Worker> ListWorkers(bool includeKilled)
    {
        using var cmd = Command(includeKilled
            ? "SELECT * FROM workers ORDER BY created_at, name"
            : "SELECT * FROM workers WHERE state <> 'killed' ORDER BY created_at, name");
        using var reader = cmd.ExecuteReader();
        var list = new List<Worker>();
        while (reader.Read())
        {
            list.Add(ReadWorker(reader));
        }

        return list;
    }

    public void AddWorker(Worker worker, EventRecord spawned)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Write(() =>
        {
            // Checked inside the write transaction, so two spawns of one name cannot both pass.
            if (GetWorker(worker.Name) is { } existing && existing.State.IsLive())
            {
                throw new BatonException($"worker '{worker.Name}' already exists and is {existing.State.ToText()}: pick another --name or `baton kill {worker.Name}` first");
            }

            SaveWorker(worker);
            Insert(spawned);
        });
    }

    public int UpdateWorkers(IReadOnlyList<WorkerChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var applied = 0;
        Write(() =>
        {
            applied = 0;
            foreach (var change in changes)
            {
                if (change.DecidedFrom is { } from && !SameVersion(GetWorker(change.Worker.Name), from))
                {
                    continue;
                }

                SaveWorker(change.Worker);
                foreach (var before in change.Before)
                {
                    Insert(before);
                }

                if (change.Usage is { } usage)
                {
                    // With the transcript position that produced it: counted exactly once.
                    SqliteUsageStore.Apply(this, change.Worker, usage);
                }

                if (change.Event is not null)
                {
                    Insert(change.Event);
                }

                applied++;
            }
        });
        return applied;
    }

    public void AppendEvent(EventRecord record) => Write(() => Insert(record));

    public long ChangeCounter() => Convert.ToInt64(Scalar("PRAGMA data_version"), CultureInfo.InvariantCulture);

    /// <summary>The row a decision was made from, compared as stored (times at millisecond precision).</summary>
    private static bool SameVersion(Worker? stored, Worker from) =>
        stored is not null
        && stored.State == from.State
        && Format(stored.StateSince) == Format(from.StateSince)
        && stored.HookOffset == from.HookOffset;

    public int AppendEvents(IEnumerable<EventRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var count = 0;
        Write(() =>
        {
            count = 0;
            foreach (var record in records)
            {
                Insert(record);
                count++;
            }
        });
        return count;
    }

    public IReadOnlyList<EventRecord> EventsAfter(long afterId, int limit)
    {
        using var cmd = Command("SELECT * FROM events WHERE id > $after ORDER BY id LIMIT $count");
        cmd.Parameters.AddWithValue("$after", afterId);
        cmd.Parameters.AddWithValue("$count", limit);
        return ReadEvents(cmd);
    }

    public long LastEventId()
    {
        using var cmd = Command("SELECT COALESCE(MAX(id), 0) FROM events");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public IReadOnlyList<EventRecord> RecentEvents(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Newest first through the primary key (or the worker/ticket/type index), then flipped:
        // the cost follows the rows returned, not the size of the log.
        using var cmd = Command("""
            SELECT * FROM (
                SELECT * FROM events
                WHERE ($worker IS NULL OR worker = $worker) AND ($type IS NULL OR type = $type)
                  AND ($ticket IS NULL OR ticket = $ticket) AND ($since IS NULL OR time >= $since)
                  AND ($after IS NULL OR id > $after)
                ORDER BY id DESC LIMIT $count)
            ORDER BY id
            """);
        Bind(cmd, "$worker", query.Worker);
        Bind(cmd, "$type", query.Type);
        Bind(cmd, "$ticket", query.Ticket);
        Bind(cmd, "$since", Format(query.Since));
        Bind(cmd, "$after", query.AfterId);
        cmd.Parameters.AddWithValue("$count", query.Count);
        return ReadEvents(cmd);
    }

    private static List<EventRecord> ReadEvents(SqliteCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        var list = new List<EventRecord>();
        while (reader.Read())
        {
            var metadata = Text(reader, "metadata");
            list.Add(new EventRecord
            {
                Id = reader.GetInt64(reader.GetOrdinal("id")),
                Time = Time(reader, "time")!.Value,
                Type = reader.GetString(reader.GetOrdinal("type")),
                Feature = Text(reader, "feature"),
                Ticket = Text(reader, "ticket"),
                Worker = Text(reader, "worker"),
                Role = Text(reader, "role"),
                Message = Text(reader, "message") ?? "",
                Commit = Text(reader, "commit_sha"),
                Metadata = metadata is null ? null : JsonSerializer.Deserialize(metadata, StoreJsonContext.Default.DictionaryStringString),
            });
        }

        return list;
    }

    /// <summary>Takes the write lock and lets it go: throws when the file cannot be written (permissions, read-only disk, held lock).</summary>
    public void CheckWritable() => Write(() => { });

    public void Dispose() => _connection.Dispose();

    private void SaveWorker(Worker w)
    {
        using var cmd = Command("""
            INSERT INTO workers (name, agent, role, mode, session, socket, directory, state, evidence, state_since,
                                 observed_at, exit_code, pid, log_path, created_at, ended_at,
                                 hook_state, hook_at, hook_evidence, hook_offset, ticket, paused_until,
                                 transcript, transcript_offset)
            VALUES ($name, $agent, $role, $mode, $session, $socket, $directory, $state, $evidence, $state_since,
                    $observed_at, $exit_code, $pid, $log_path, $created_at, $ended_at,
                    $hook_state, $hook_at, $hook_evidence, $hook_offset, $ticket, $paused_until,
                    $transcript, $transcript_offset)
            ON CONFLICT(name) DO UPDATE SET
                agent = excluded.agent, role = excluded.role, mode = excluded.mode, session = excluded.session,
                socket = excluded.socket, directory = excluded.directory, state = excluded.state,
                evidence = excluded.evidence, state_since = excluded.state_since, observed_at = excluded.observed_at,
                exit_code = excluded.exit_code, pid = excluded.pid, log_path = excluded.log_path,
                created_at = excluded.created_at, ended_at = excluded.ended_at,
                hook_state = excluded.hook_state, hook_at = excluded.hook_at, hook_evidence = excluded.hook_evidence,
                hook_offset = excluded.hook_offset, ticket = excluded.ticket, paused_until = excluded.paused_until,
                transcript = excluded.transcript, transcript_offset = excluded.transcript_offset
            """);
        Bind(cmd, "$name", w.Name);
        Bind(cmd, "$agent", w.Agent);
        Bind(cmd, "$role", w.Role);
        Bind(cmd, "$mode", w.Mode == WorkerMode.Tmux ? "tmux" : "headless");
        Bind(cmd, "$session", w.Session);
        Bind(cmd, "$socket", w.Socket);
        Bind(cmd, "$directory", w.Directory);
        Bind(cmd, "$state", w.State.ToText());
        Bind(cmd, "$evidence", w.Evidence);
        Bind(cmd, "$state_since", Format(w.StateSince));
        Bind(cmd, "$observed_at", Format(w.ObservedAt));
        Bind(cmd, "$exit_code", w.ExitCode);
        Bind(cmd, "$pid", w.Pid);
        Bind(cmd, "$log_path", w.LogPath);
        Bind(cmd, "$created_at", Format(w.CreatedAt));
        Bind(cmd, "$ended_at", Format(w.EndedAt));
        Bind(cmd, "$hook_state", w.Hook?.State.ToText());
        Bind(cmd, "$hook_at", Format(w.Hook?.At));
        Bind(cmd, "$hook_evidence", w.Hook?.Evidence);
        Bind(cmd, "$hook_offset", w.HookOffset);
        Bind(cmd, "$ticket", w.Ticket);
        Bind(cmd, "$paused_until", Format(w.PausedUntil));
        Bind(cmd, "$transcript", w.Transcript);
        Bind(cmd, "$transcript_offset", w.TranscriptOffset);
        cmd.ExecuteNonQuery();
    }

    internal void Insert(EventRecord e)
    {
        using var cmd = Command("""
            INSERT INTO events (time, type, feature, ticket, worker, role, message, commit_sha, metadata)
            VALUES ($time, $type, $feature, $ticket, $worker, $role, $message, $commit, $metadata)
            """);
        Bind(cmd, "$time", Format(e.Time));
        Bind(cmd, "$type", e.Type);
        Bind(cmd, "$feature", e.Feature);
        Bind(cmd, "$ticket", e.Ticket);
        Bind(cmd, "$worker", e.Worker);
        Bind(cmd, "$role", e.Role);
        Bind(cmd, "$message", e.Message);
        Bind(cmd, "$commit", e.Commit);
        Bind(cmd, "$metadata", e.Metadata is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(e.Metadata), StoreJsonContext.Default.DictionaryStringString));
        cmd.ExecuteNonQuery();
    }

    private static Worker ReadWorker(SqliteDataReader r) => new()
    {
        Name = r.GetString(r.GetOrdinal("name")),
        Agent = r.GetString(r.GetOrdinal("agent")),
        Role = Text(r, "role"),
        Mode = r.GetString(r.GetOrdinal("mode")) == "headless" ? WorkerMode.Headless : WorkerMode.Tmux,
        Session = Text(r, "session"),
        Socket = Text(r, "socket"),
        Directory = r.GetString(r.GetOrdinal("directory")),
        State = WorkerStates.Parse(r.GetString(r.GetOrdinal("state"))),
        Evidence = Text(r, "evidence"),
        StateSince = Time(r, "state_since")!.Value,
        ObservedAt = Time(r, "observed_at"),
        ExitCode = Int(r, "exit_code"),
        Pid = Int(r, "pid"),
        LogPath = Text(r, "log_path"),
        CreatedAt = Time(r, "created_at")!.Value,
        EndedAt = Time(r, "ended_at"),
        Hook = Text(r, "hook_state") is { } hs ? new Core.Monitoring.HookSignal(WorkerStates.Parse(hs), Time(r, "hook_at")!.Value, Text(r, "hook_evidence") ?? "") : null,
        HookOffset = r.GetInt64(r.GetOrdinal("hook_offset")),
        Ticket = r.IsDBNull(r.GetOrdinal("ticket")) ? null : r.GetInt64(r.GetOrdinal("ticket")),
        PausedUntil = Time(r, "paused_until"),
        Transcript = Text(r, "transcript"),
        TranscriptOffset = r.GetInt64(r.GetOrdinal("transcript_offset")),
    };

    /// <summary>One write transaction; a lock held elsewhere past <see cref="BusyTimeout"/> fails it with <see cref="StoreBusyException"/>.</summary>
    internal void Write(Action body)
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

    internal SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private object? Scalar(string sql)
    {
        using var cmd = Command(sql);
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    internal static void Bind(SqliteCommand cmd, string name, object? value) =>
        cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);

    internal static string? Format(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string? Text(SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    internal static int? Int(SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetInt32(i);
    }

    internal static DateTimeOffset? Time(SqliteDataReader r, string column)
    {
        var text = Text(r, column);
        return text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
