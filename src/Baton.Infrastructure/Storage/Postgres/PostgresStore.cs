using System.Globalization;
using System.Net.Sockets;
using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Storage;
using Baton.Infrastructure.Storage.Sql;
using Npgsql;

namespace Baton.Infrastructure.Storage.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database that every Baton of a team points at, with the same
/// tables and behaviour as the embedded SQLite store. Writes are serialised as SQLite's are: each
/// write transaction first updates the one row of <c>baton_meta</c>, whose row lock it then holds
/// until it commits, so a read-then-write (a ticket claimed only when unassigned) holds when it
/// writes. That update also counts the change (<see cref="ChangeCounter"/>, SQLite's data_version).
/// A lock held elsewhere longer than <see cref="BusyTimeout"/> fails with <see cref="StoreBusyException"/>
/// (PostgreSQL's lock_timeout), never a hang.
/// </summary>
public sealed class PostgresStore : SqlStore, IStoreLink
{
    // Held while the schema is made or migrated, so two processes starting at once do it once.
    private const long MigrationLock = 0x6261746F6E; // "baton"
    private readonly NpgsqlDataSource _source;

    private PostgresStore(NpgsqlDataSource source, NpgsqlConnection connection, PostgresUrl url, TimeSpan wait)
        : base(connection)
    {
        _source = source;
        Url = url;
        BusyTimeout = wait;
    }

    public PostgresUrl Url { get; }

    public TimeSpan BusyTimeout { get; }

    public override string Location => Url.ToString();

    public static int LatestSchemaVersion => PostgresSchema.Version;

    /// <summary>
    /// Connects and brings the schema to this version. Without <paramref name="create"/> a database
    /// with no Baton schema is refused (`baton init --store` makes it); with it, a database that
    /// already holds the schema is joined as it is.
    /// </summary>
    /// <param name="password">The password when the URL has none; null: PGPASSWORD or ~/.pgpass (Npgsql reads them).</param>
    /// <param name="strandedAfter">How long the server lets a transaction of this store sit idle before it ends the session (default 30 s).</param>
    public static PostgresStore Open(PostgresUrl url, string? password, bool create, TimeSpan? busyTimeout = null, TimeSpan? strandedAfter = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var wait = busyTimeout ?? BatonConfig.Default.StoreBusyTimeout;
        var stranded = (long)(strandedAfter ?? TimeSpan.FromSeconds(30)).TotalMilliseconds;
        var builder = new NpgsqlSlimDataSourceBuilder(new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port,
            Username = url.User,
            Database = url.Database,
            Password = url.Password ?? password,
            SslMode = url.SslMode is null ? SslMode.Prefer : Enum.Parse<SslMode>(url.SslMode.Replace("-", "", StringComparison.Ordinal), ignoreCase: true),
            Pooling = false,
            Timeout = 10,
            ApplicationName = "baton",
            // Every wait for a lock is bounded, as SQLite's busy_timeout bounds it. A node cut off
            // mid-transaction (its process gone or its network cut, the server's end still open)
            // would hold the store's write lock for ever and every node's writes would fail busy:
            // the server ends a transaction idle longer than any Baton transaction ever is (they
            // run their statements back to back), and probes a silent peer so that a dead one's
            // session, and the merge queue's advisory lock on it, go within about 25 s.
            Options = $"-c lock_timeout={(long)wait.TotalMilliseconds} -c idle_in_transaction_session_timeout={stranded}"
                + " -c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3",
        }.ConnectionString);
        var source = builder.Build();
        NpgsqlConnection? connection = null;
        try
        {
            connection = Connect(source, url);
            var store = new PostgresStore(source, connection, url, wait);
            store.Migrate(create);
            return store;
        }
        catch
        {
            connection?.Dispose();
            source.Dispose();
            throw;
        }
    }

    private static NpgsqlConnection Connect(NpgsqlDataSource source, PostgresUrl url)
    {
        try
        {
            return source.OpenConnection();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidPassword || e.SqlState == PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new BatonException($"the PostgreSQL store at {url} refused user '{url.User}' ({e.MessageText}): set BATON_STORE_PASSWORD or PGPASSWORD, or add the password to ~/.pgpass", e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            throw new BatonException($"the PostgreSQL server at {url.Host}:{url.Port} has no database '{url.Database}': create it first (createdb -h {url.Host} -p {url.Port} -U {url.User} {url.Database})", e);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            var why = e.InnerException is SocketException s ? s.Message : e.Message;
            throw new BatonException($"cannot reach the PostgreSQL store at {url.Host}:{url.Port} ({why}): check that the server runs and accepts connections from this machine, or point store.url / BATON_STORE_URL at the right one", e);
        }
    }

    private void Migrate(bool create)
    {
        Execute("BEGIN");
        try
        {
            Execute($"SELECT pg_advisory_xact_lock({MigrationLock})");
            var exists = Scalar("SELECT to_regclass('baton_meta') IS NOT NULL") is true;
            if (!exists && !create)
            {
                throw new BatonException($"no Baton store in {Url}: run `baton init --store {Url}` first");
            }

            if (!exists)
            {
                Execute("""
                    CREATE TABLE baton_meta (
                        id             INTEGER PRIMARY KEY CHECK (id = 1),
                        schema_version INTEGER NOT NULL,
                        changes        BIGINT NOT NULL
                    );
                    INSERT INTO baton_meta VALUES (1, 0, 0);
                    """);
            }

            var current = SchemaVersion;
            if (current > PostgresSchema.Version)
            {
                throw new BatonException(
                    $"the Baton store in {Url} has schema version {current}, newer than this Baton knows ({PostgresSchema.Version}): "
                    + "another node runs a newer Baton; upgrade this one before it uses the store. Nothing was changed");
            }

            for (var v = current; v < PostgresSchema.Version; v++)
            {
                Execute(PostgresSchema.Migrations[v]);
            }

            Execute($"UPDATE baton_meta SET schema_version = {PostgresSchema.Version}");
            Execute("COMMIT");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // Another process held the migration lock (or a table the migration alters) too long.
            Rollback();
            throw new StoreBusyException(Location, BusyTimeout, e);
        }
        catch
        {
            Rollback();
            throw;
        }
    }

    /// <summary>
    /// A lock wait that ran out (PostgreSQL's lock_timeout, SQLSTATE 55P03) outside a write
    /// transaction, such as a read behind a table lock: the same busy store, told the same way; null when it is not one.
    /// </summary>
    public static StoreBusyException? AsBusy(Exception error, string location, TimeSpan waited) =>
        error is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } e ? new StoreBusyException(location, waited, e) : null;

    /// <summary>Another connection to the same database, for a listener (the caller disposes of it).</summary>
    internal NpgsqlConnection OpenConnection() => _source.OpenConnection();

    public override int SchemaVersion => Convert.ToInt32(Scalar("SELECT schema_version FROM baton_meta WHERE id = 1"), CultureInfo.InvariantCulture);

    public override long ChangeCounter() => Convert.ToInt64(Scalar("SELECT changes FROM baton_meta WHERE id = 1"), CultureInfo.InvariantCulture);

    // Every write transaction, this connection's too, counts itself in baton_meta.
    public override long Version() => ChangeCounter();

    internal override string InsertionOrder => "seq";

    internal override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    // Session advisory locks this connection holds; asking again would stack another hold.
    private readonly HashSet<long> _advisory = [];

    internal override bool HoldAdvisoryLock(long key)
    {
        if (_advisory.Contains(key))
        {
            return true;
        }

        // Held until this connection closes: when the node dies, the server lets it go for another.
        if (Scalar($"SELECT pg_try_advisory_lock({key.ToString(CultureInfo.InvariantCulture)})") is true)
        {
            _advisory.Add(key);
            return true;
        }

        return false;
    }

    internal override string JsonArrayHas(string column, string parameter) =>
        $"EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST({column} AS jsonb)) AS l(value) WHERE l.value = {parameter})";

    internal override void Write(Action body)
    {
        Execute("BEGIN");
        try
        {
            // The store's write lock: the one meta row, held until COMMIT (see the class remarks).
            Execute("UPDATE baton_meta SET changes = changes + 1 WHERE id = 1");

            // Delivered when (and only if) this transaction commits: wakes every listening loop (PostgresWake).
            Execute("NOTIFY " + PostgresWake.Channel);

            body();
            Execute("COMMIT");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // The meta row's lock, or one a statement of the body waited for (a row or table lock
            // held by a session outside Baton's write discipline): busy either way, nothing written.
            Rollback();
            throw new StoreBusyException(Location, BusyTimeout, e);
        }
        catch
        {
            Rollback();
            throw;
        }
    }

    /// <summary>Whether the client still has its connection open (one the server or the network dropped is closed).</summary>
    public bool Connected => Connection.State == System.Data.ConnectionState.Open;

    /// <summary>
    /// Opens the connection again after it dropped. The session advisory locks it held went with
    /// the old one: they are asked for again when next needed (the merge queue's each tick), or by
    /// the caller (a node's name). <see cref="StoreUnreachableException"/> while the server cannot be reached.
    /// </summary>
    public void Reconnect()
    {
        _advisory.Clear();
        try
        {
            Connection.Close();
        }
        catch (NpgsqlException)
        {
            // Already broken: closing only lets go of it.
        }

        try
        {
            Connection.Open();
            Scalar("SELECT 1");
        }
        catch (NpgsqlException e) when (e is not PostgresException || e is PostgresException { SqlState: var state } && (state.StartsWith("57", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal)))
        {
            // Also a server shutting down or starting up (57P01, 57P03) and connection failures (08).
            var why = e.InnerException is SocketException s ? s.Message : e.Message;
            throw new StoreUnreachableException($"cannot reach the PostgreSQL store at {Url.Host}:{Url.Port} ({why})", e);
        }
    }

    private void Rollback()
    {
        try
        {
            Execute("ROLLBACK");
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server rolled the transaction back itself.
        }
        catch (InvalidOperationException)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _source.Dispose();
        }
    }
}
