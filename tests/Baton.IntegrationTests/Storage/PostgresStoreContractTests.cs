using Baton.Infrastructure.Storage.Postgres;
using Baton.Infrastructure.Storage.Sql;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>The store suite on PostgreSQL: a server of this class's own, a database per test.</summary>
public sealed class PostgresStoreContractTests : StoreContract, IClassFixture<PostgresServer>
{
    private readonly PostgresDatabase _db;

    public PostgresStoreContractTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _db = server.CreateDatabase();
    }

    protected override SqlStore OpenStore(bool again = false) =>
        PostgresStore.Open(PostgresUrl.Parse(_db.Url), _db.Password, create: !again);

    protected override void ExecuteRaw(string sql)
    {
        using var c = new NpgsqlConnection(_db.ConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
