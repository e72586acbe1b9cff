using Baton.Core.Events;
using Baton.Core.Nodes;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Infrastructure.Storage.Sql;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>
/// Leases and nodes on the store, one suite run against each engine (SqliteLeaseStoreTests,
/// PostgresLeaseStoreTests): taken with the claim, fenced, renewed, expired with the re-queue, pruned.
/// </summary>
public abstract class LeaseStoreContract : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly List<SqlStore> _opened = [];
    private readonly DateTimeOffset _t0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract SqlStore OpenStore(bool again = false);

    protected SqlStore Open(bool again = false)
    {
        var store = OpenStore(again);
        _opened.Add(store);
        return store;
    }

    public virtual void Dispose()
    {
        foreach (var s in _opened)
        {
            s.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected Ticket NewTicket(SqlStore db) => new SqlTicketStore(db).CreateTicket(new Ticket
    {
        Number = 0,
        Title = "work",
        Status = TicketStatus.Open,
        CreatedAt = _t0,
        UpdatedAt = _t0,
    }, t => new EventRecord { Time = _t0, Type = EventTypes.TicketCreated, Ticket = t.Id });

    protected Ticket Claim(SqlStore db, long ticket, string node, string worker, DateTimeOffset at) =>
        new SqlTicketStore(db).Mutate(ticket, t => new TicketMutation(t with { Assignee = worker, Status = TicketStatus.InProgress }, [])
        {
            Lease = new LeaseClaim(node, at, Ttl),
        });

    private NodeInfo Node(string name, DateTimeOffset at) => new()
    {
        Name = name,
        Host = "h",
        Pid = 42,
        Capacity = 3,
        Labels = ["gpu"],
        LeaseTtl = Ttl,
        StartedAt = at,
        HeartbeatAt = at,
    };

    [Fact]
    public void Every_claim_takes_a_higher_token_than_any_before_it()
    {
        var db = Open();
        var leases = new SqlLeaseStore(db);
        var tokens = new List<long>();
        foreach (var i in Enumerable.Range(0, 3))
        {
            var t = NewTicket(db);
            Claim(db, t.Number, "a", $"w{i}", _t0);
            tokens.Add(leases.CurrentLease(t.Number)!.Token);
        }

        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(3, tokens.Distinct().Count());
        var lease = leases.CurrentLease(NewTicket(db).Number);
        Assert.Null(lease);
    }

    [Fact]
    public void A_claim_and_its_lease_are_one_transaction()
    {
        var db = Open();
        var t = NewTicket(db);
        Claim(db, t.Number, "a", "t1-1", _t0);

        // A second claim by another node while the lease holds: refused, and nothing of it written.
        Assert.Throws<LeaseHeldException>(() => Claim(db, t.Number, "b", "t1-2", _t0.AddSeconds(1)));

        var ticket = new SqlTicketStore(db).GetTicket(t.Number)!;
        Assert.Equal("t1-1", ticket.Assignee);
        Assert.Equal(("a", LeaseState.Held), (new SqlLeaseStore(db).CurrentLease(t.Number)!.Node, new SqlLeaseStore(db).CurrentLease(t.Number)!.State));
    }

    [Fact]
    public void A_fenced_write_passes_with_the_current_token_and_is_refused_with_an_older_one()
    {
        var db = Open();
        var tickets = new SqlTicketStore(db);
        var leases = new SqlLeaseStore(db);
        var t = NewTicket(db);
        Claim(db, t.Number, "a", "t1-1", _t0);
        var first = leases.CurrentLease(t.Number)!.Token;
        Assert.Single(leases.ExpireLeases(_t0 + Ttl + TimeSpan.FromSeconds(1)));
        Claim(db, t.Number, "b", "t1-2", _t0 + Ttl + TimeSpan.FromSeconds(2));
        var second = leases.CurrentLease(t.Number)!.Token;

        tickets.Mutate(t.Number, x => new TicketMutation(x with { Note = "progress" }, []) { Fence = second });
        var refused = Assert.Throws<LeaseLostException>(() => tickets.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Testing, Note = "stale" }, []) { Fence = first }));

        Assert.Equal(first, refused.Token);
        var now = tickets.GetTicket(t.Number)!;
        Assert.Equal((TicketStatus.InProgress, "progress", "t1-2"), (now.Status, now.Note, now.Assignee));
    }

    [Fact]
    public void The_heartbeat_registers_the_node_and_renews_only_its_own_held_leases()
    {
        var db = Open();
        var leases = new SqlLeaseStore(db);
        var mine = NewTicket(db);
        var theirs = NewTicket(db);
        Claim(db, mine.Number, "a", "t1-1", _t0);
        Claim(db, theirs.Number, "b", "t2-1", _t0);

        var later = _t0.AddSeconds(20);
        var held = leases.Heartbeat(Node("a", _t0), later);

        Assert.Equal([mine.Number], held.Select(l => l.Ticket));
        Assert.Equal(later + Ttl, leases.CurrentLease(mine.Number)!.ExpiresAt);
        Assert.Equal(_t0 + Ttl, leases.CurrentLease(theirs.Number)!.ExpiresAt);
        var node = Assert.Single(leases.Nodes());
        Assert.Equal(("a", 3, "gpu", later, Ttl, "running"), (node.Name, node.Capacity, string.Join(",", node.Labels), node.HeartbeatAt, node.LeaseTtl, node.Status(later)));
    }

    [Fact]
    public void Expiry_requeues_only_the_ticket_still_held_by_the_expired_leases_worker()
    {
        var db = Open();
        var tickets = new SqlTicketStore(db);
        var leases = new SqlLeaseStore(db);
        var stuck = NewTicket(db);
        var moved = NewTicket(db);
        Claim(db, stuck.Number, "a", "t1-1", _t0);
        Claim(db, moved.Number, "a", "t2-1", _t0);
        // Reassigned by hand while the lease still holds: expiry must not take it from its new agent.
        tickets.Mutate(moved.Number, x => new TicketMutation(x with { Assignee = "someone" }, []));

        var expired = leases.ExpireLeases(_t0 + Ttl + TimeSpan.FromSeconds(1));

        Assert.Equal(2, expired.Count);
        Assert.Equal((TicketStatus.Queued, (string?)null), (tickets.GetTicket(stuck.Number)!.Status, tickets.GetTicket(stuck.Number)!.Assignee));
        Assert.Equal((TicketStatus.InProgress, "someone"), (tickets.GetTicket(moved.Number)!.Status, tickets.GetTicket(moved.Number)!.Assignee));
        var events = ((Baton.Core.Storage.IStore)db).RecentEvents(new EventQuery(20, Type: EventTypes.LeaseExpired));
        Assert.Equal(stuck.Id, Assert.Single(events).Ticket);
        Assert.Equal("a", events[0].Metadata!["node"]);
        Assert.Empty(leases.ExpireLeases(_t0 + Ttl * 3));
    }

    [Fact]
    public void A_lost_node_shows_as_lost_and_prune_forgets_it_once_it_holds_nothing()
    {
        var db = Open();
        var leases = new SqlLeaseStore(db);
        var t = NewTicket(db);
        Claim(db, t.Number, "a", "t1-1", _t0);
        leases.Heartbeat(Node("a", _t0), _t0);
        leases.Heartbeat(Node("b", _t0), _t0);
        leases.NodeStopped("b", _t0.AddSeconds(1));
        var late = _t0 + Ttl + TimeSpan.FromSeconds(5);

        Assert.Equal(["lost", "stopped"], leases.Nodes().Select(n => n.Status(late)));
        Assert.Equal(["b"], leases.PruneNodes(late)); // a still holds its (overdue) lease
        leases.ExpireLeases(late);
        Assert.Equal(["a"], leases.PruneNodes(late));
        Assert.Empty(leases.Nodes());
    }

    [Fact]
    public void A_ticket_that_leaves_in_progress_and_testing_gives_its_lease_back()
    {
        var db = Open();
        var tickets = new SqlTicketStore(db);
        var leases = new SqlLeaseStore(db);
        var t = NewTicket(db);
        Claim(db, t.Number, "a", "t1-1", _t0);
        var token = leases.CurrentLease(t.Number)!.Token;

        tickets.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Testing }, []) { Fence = token });
        Assert.Equal(LeaseState.Held, leases.CurrentLease(t.Number)!.State);
        tickets.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Review }, []) { Fence = token });

        Assert.Equal(LeaseState.Released, leases.CurrentLease(t.Number)!.State);
        Assert.Empty(leases.Leases(heldOnly: true));
        Assert.Single(leases.Leases(heldOnly: false));
    }
}
