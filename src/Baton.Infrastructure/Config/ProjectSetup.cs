using Baton.Core.Config;
using Baton.Infrastructure.Roles;
using Baton.Infrastructure.Storage.Postgres;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Infrastructure.Config;

/// <summary>The config template and parser, the embedded roles and directives and the SQLite store, for `baton init`.</summary>
public sealed class ProjectSetup : IProjectSetup
{
    private readonly Func<string?> _storePassword;

    /// <param name="storePassword">The shared store's password when its URL has none (BATON_STORE_PASSWORD); null: PGPASSWORD or ~/.pgpass.</param>
    public ProjectSetup(Func<string?>? storePassword = null)
    {
        _storePassword = storePassword ?? (() => null);
    }

    public string DefaultConfig => ConfigLoader.DefaultFile;

    public void CheckConfig(string path, string text) => ConfigLoader.Parse(path, text);

    public IReadOnlyList<BuiltInFile> BuiltIns() =>
        [.. new[] { "roles", "directives" }.SelectMany(kind => RoleCatalog.BuiltIn(kind).Select(name => new BuiltInFile(kind, name, RoleCatalog.BuiltInText(kind, name))))];

    public string CreateSharedStore(string url)
    {
        var parsed = PostgresUrl.Parse(url);
        using (PostgresStore.Open(parsed, _storePassword(), create: true))
        {
        }

        return parsed.ToString();
    }

    public void CreateStore(string database)
    {
        using (SqliteStore.Open(database, create: true))
        {
        }
    }
}
