using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Baton.Core;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>
/// What the SQLite and PostgreSQL stores share: the same tables, the same SQL (named <c>@parameters</c>,
/// which both accept) and the same row mapping, over one ADO.NET connection. A dialect supplies only
/// what differs: how a write transaction takes the store's write lock, the schema and its version,
/// the change counter, and the few expressions the two engines spell differently.
/// </summary>
public abstract class SqlStore : IStore, IDisposable
{
    protected SqlStore(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
    }

    protected DbConnection Connection { get; }

    /// <summary>Where the store is, for messages (a file path, or a URL without its password).</summary>
    public abstract string Location { get; }

    /// <summary>How many of the dialect's migrations have run.</summary>
    public abstract int SchemaVersion { get; }

    /// <inheritdoc />
    public abstract long ChangeCounter();

    /// <inheritdoc />
    public abstract long Version();

    /// <summary>One write transaction: all of <paramref name="body"/> or none of it, serialised with every other writer.</summary>
    internal abstract void Write(Action body);

    /// <summary>A condition that the JSON array of strings in <paramref name="column"/> holds the value of <paramref name="parameter"/>.</summary>
    internal abstract string JsonArrayHas(string column, string parameter);

    /// <summary>The column that orders a table's rows as first inserted where it has no id (SQLite's hidden rowid).</summary>
    internal abstract string InsertionOrder { get; }

    /// <summary>
    /// What a row-locking read appends on this engine: PostgreSQL's <c>FOR UPDATE SKIP LOCKED</c>;
    /// nothing on SQLite, whose one writer already holds the whole store.
    /// </summary>
    internal abstract string SkipLocked { get; }

    /// <summary>
    /// Takes (or keeps) a lock held for this connection's life; false when another connection
    /// holds it. SQLite has one writer per repository already (the autopilot lock): always true.
    /// </summary>
    internal virtual bool HoldAdvisoryLock(long key) => true;

    /// <summary>Takes the write lock and lets it go: throws when the store cannot be written.</summary>
    public void CheckWritable() => Write(() => { });

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
        }
    }

    public Worker? GetWorker(string name)
    {
        using var cmd = Command("SELECT * FROM workers WHERE name = @name");
        Bind(cmd, "@name", name);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? WorkerRows.Read(reader) : null;
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
            list.Add(WorkerRows.Read(reader));
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

            WorkerRows.Save(this, worker);
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

                WorkerRows.Save(this, change.Worker);
                foreach (var before in change.Before)
                {
                    Insert(before);
                }

                if (change.Usage is { } usage)
                {
                    // With the transcript position that produced it: counted exactly once.
                    SqlUsageStore.Apply(this, change.Worker, usage);
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
        using var cmd = Command("SELECT * FROM events WHERE id > @after ORDER BY id LIMIT @count");
        Bind(cmd, "@after", afterId);
        Bind(cmd, "@count", limit);
        return ReadEvents(cmd);
    }

    public long LastEventId()
    {
        using var cmd = Command("SELECT COALESCE(MAX(id), 0) FROM events");
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public IReadOnlyList<EventRecord> RecentEvents(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Newest first through the primary key (or the worker/ticket/type index), then flipped:
        // the cost follows the rows returned, not the size of the log.
        using var cmd = Command("""
            SELECT * FROM (
                SELECT * FROM events
                WHERE (@worker IS NULL OR worker = @worker) AND (@type IS NULL OR type = @type)
                  AND (@ticket IS NULL OR ticket = @ticket) AND (@since IS NULL OR time >= @since)
                  AND (@after IS NULL OR id > @after)
                ORDER BY id DESC LIMIT @count) AS latest
            ORDER BY id
            """);
        Bind(cmd, "@worker", query.Worker);
        Bind(cmd, "@type", query.Type);
        Bind(cmd, "@ticket", query.Ticket);
        Bind(cmd, "@since", Format(query.Since));
        Bind(cmd, "@after", query.AfterId);
        Bind(cmd, "@count", query.Count);
        return ReadEvents(cmd);
    }

    private static List<EventRecord> ReadEvents(DbCommand cmd)
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

    internal void Insert(EventRecord e)
    {
        using var cmd = Command("""
            INSERT INTO events (time, type, feature, ticket, worker, role, message, commit_sha, metadata)
            VALUES (@time, @type, @feature, @ticket, @worker, @role, @message, @commit, @metadata)
            """);
        Bind(cmd, "@time", Format(e.Time));
        Bind(cmd, "@type", e.Type);
        Bind(cmd, "@feature", e.Feature);
        Bind(cmd, "@ticket", e.Ticket);
        Bind(cmd, "@worker", e.Worker);
        Bind(cmd, "@role", e.Role);
        Bind(cmd, "@message", e.Message);
        Bind(cmd, "@commit", e.Commit);
        Bind(cmd, "@metadata", e.Metadata is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(e.Metadata), StoreJsonContext.Default.DictionaryStringString));
        cmd.ExecuteNonQuery();
    }

    internal DbCommand Command(string sql)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    protected object? Scalar(string sql)
    {
        using var cmd = Command(sql);
        return cmd.ExecuteScalar();
    }

    protected void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Binds a value, typed by its static type when it is null: PostgreSQL must know the type of
    /// every parameter, and a bare null in <c>@p IS NULL</c> has none.
    /// </summary>
    internal static void Bind<T>(DbCommand cmd, string name, T value)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = (object?)value ?? DBNull.Value;
        // An object-typed null (a row copied as it is) stays untyped: the column gives its type.
        if (value is null && typeof(T) != typeof(object))
        {
            p.DbType = NullType(typeof(T));
        }

        cmd.Parameters.Add(p);
    }

    private static DbType NullType(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(long) => DbType.Int64,
        var t when t == typeof(int) => DbType.Int32,
        var t when t == typeof(double) => DbType.Double,
        var t when t == typeof(decimal) => DbType.Decimal,
        var t when t == typeof(bool) => DbType.Boolean,
        _ => DbType.String,
    };

    internal static string? Format(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string? Text(DbDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetString(i);
    }

    internal static int? Int(DbDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : Int32(r, i);
    }

    /// <summary>An integer column as int: SQLite's INTEGER and PostgreSQL's BIGINT and NUMERIC sums alike.</summary>
    internal static int Int32(DbDataReader r, int ordinal) => Convert.ToInt32(r.GetValue(ordinal), CultureInfo.InvariantCulture);

    internal static DateTimeOffset? Time(DbDataReader r, string column)
    {
        var text = Text(r, column);
        return text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
