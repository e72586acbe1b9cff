using Baton.Core.Nodes;
using Baton.Infrastructure.Storage.Postgres;
using Baton.Infrastructure.Storage.Sql;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>The lease suite on PostgreSQL, and what only PostgreSQL has: SKIP LOCKED and the merge queue's advisory lock.</summary>
public sealed class PostgresLeaseStoreTests : LeaseStoreContract, IClassFixture<PostgresServer>
{
    private readonly PostgresDatabase _db;

    public PostgresLeaseStoreTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _db = server.CreateDatabase();
    }

    protected override SqlStore OpenStore(bool again = false) =>
        PostgresStore.Open(PostgresUrl.Parse(_db.Url), _db.Password, create: !again);

    [Fact]
    public void The_merge_queue_is_one_nodes_until_its_connection_ends()
    {
        var first = Open();
        using var second = OpenStore(again: true);

        Assert.True(new SqlLeaseStore(first).TryHoldMergeQueue());
        Assert.True(new SqlLeaseStore(first).TryHoldMergeQueue()); // kept, not stacked
        Assert.False(new SqlLeaseStore(second).TryHoldMergeQueue());
        first.Dispose(); // the node died: the server lets its lock go as the session ends
        // The backend ends just after the client closed; asked again for at most 10 s.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var taken = false;
        while (!(taken = new SqlLeaseStore(second).TryHoldMergeQueue()) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.True(taken);
    }

    [Fact]
    public void A_claim_skips_a_ticket_row_another_transaction_has_locked_instead_of_waiting()
    {
        var store = Open();
        var t = NewTicket(store);
        using var other = new NpgsqlConnection(_db.ConnectionString);
        other.Open();
        using var tx = other.BeginTransaction();
        using (var lockRow = other.CreateCommand())
        {
            lockRow.CommandText = $"SELECT number FROM tickets WHERE number = {t.Number} FOR UPDATE";
            lockRow.ExecuteNonQuery();
        }

        Assert.Throws<LeaseHeldException>(() => Claim(store, t.Number, "a", "t1-1", DateTimeOffset.UtcNow));
        tx.Rollback();

        Assert.Null(new SqlLeaseStore(store).CurrentLease(t.Number));
        Assert.Null(new Baton.Infrastructure.Storage.Sql.SqlTicketStore(store).GetTicket(t.Number)!.Assignee);
    }
}
