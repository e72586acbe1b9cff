using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.IntegrationTests.Storage;

/// <summary>The lease suite on the embedded SQLite store.</summary>
public sealed class SqliteLeaseStoreTests : LeaseStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-lease-").FullName;

    protected override SqlStore OpenStore(bool again = false) => SqliteStore.Open(Path.Combine(_dir, "baton.db"), create: !again);

    [Xunit.Fact]
    public void The_merge_queue_is_always_this_loops_on_sqlite()
    {
        Xunit.Assert.True(new SqlLeaseStore(Open()).TryHoldMergeQueue());
        Xunit.Assert.True(new SqlLeaseStore(Open(again: true)).TryHoldMergeQueue()); // the autopilot lock keeps it to one loop
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, true);
    }
}
