using Baton.Core.Storage;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Core.Tests.Fakes;

/// <summary>The real SQLite store on a file in a temp folder of its own, removed on dispose.</summary>
public sealed class TempStore : IDisposable
{
    private readonly SqliteStore _db;

    public TempStore()
    {
        Dir = Path.Combine(Path.GetTempPath(), "baton-unit-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Dir);
        _db = SqliteStore.Open(Path.Combine(Dir, "baton.db"), create: true);
        Tickets = new SqlTicketStore(_db);
        Merges = new SqlMergeStore(_db);
    }

    /// <summary>The temp folder: a stand-in repository root.</summary>
    public string Dir { get; }

    public IStore Store => _db;

    public ITicketStore Tickets { get; }

    public IMergeStore Merges { get; }

    public Baton.Core.Budgets.IBudgetStore Budgets => new SqlBudgetStore(_db);

    public Baton.Core.Usage.IUsageStore Usage => new SqlUsageStore(_db);

    public Baton.Core.Nodes.ILeaseStore Leases => new SqlLeaseStore(_db);

    public void Dispose()
    {
        _db.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up; the next test uses a folder of its own.
        }
    }
}
