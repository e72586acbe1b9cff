using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Baton.IntegrationTests.Storage;

/// <summary>The store suite on the embedded SQLite store, a file in a temp folder.</summary>
public sealed class SqliteStoreContractTests : StoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-store-").FullName;

    private string Db => Path.Combine(_dir, "baton.db");

    protected override SqlStore OpenStore(bool again = false) => SqliteStore.Open(Db, create: !again);

    protected override void ExecuteRaw(string sql)
    {
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, true);
    }
}
