using Baton.Core.Config;
using Baton.Infrastructure.Roles;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Infrastructure.Config;

/// <summary>The config template and parser, the embedded roles and directives and the SQLite store, for `baton init`.</summary>
public sealed class ProjectSetup : IProjectSetup
{
    public string DefaultConfig => ConfigLoader.DefaultFile;

    public void CheckConfig(string path, string text) => ConfigLoader.Parse(path, text);

    public IReadOnlyList<BuiltInFile> BuiltIns() =>
        [.. new[] { "roles", "directives" }.SelectMany(kind => RoleCatalog.BuiltIn(kind).Select(name => new BuiltInFile(kind, name, RoleCatalog.BuiltInText(kind, name))))];

    public void CreateStore(string database)
    {
        using (SqliteStore.Open(database, create: true))
        {
        }
    }
}
