using Baton.Core.Events;
using Baton.Core.Nodes;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Nodes;

/// <summary>Leases as two nodes see them: taken with the claim, renewed on the heartbeat, expired and fenced.</summary>
public sealed class LeasePolicyTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _db.Dispose();

    private LeaseKeeper Keeper(string name, params string[] labels) => new(_db.Leases, _time, new NodeInfo
    {
        Name = name,
        Host = "host-" + name,
        Pid = 1,
        Capacity = 4,
        Labels = labels,
        LeaseTtl = Ttl,
        StartedAt = _time.GetUtcNow(),
    }, Ttl / 3);

    private Ticket NewTicket(params string[] labels) => _db.Tickets.CreateTicket(new Ticket
    {
        Number = 0,
        Title = "work",
        Status = TicketStatus.Open,
        Labels = labels,
        CreatedAt = _time.GetUtcNow(),
        UpdatedAt = _time.GetUtcNow(),
    }, t => new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.TicketCreated, Ticket = t.Id });

    // What the dispatcher's claim writes: the ticket assigned and started.
    private static Ticket Claim(ITicketStore tickets, long number, string worker) =>
        tickets.Mutate(number, t => new TicketMutation(t with { Assignee = worker, Status = TicketStatus.InProgress, Attempts = t.Attempts + 1 }, []));

    private static Ticket Report(ITicketStore tickets, long number, TicketStatus to) =>
        tickets.Mutate(number, t => new TicketMutation(t with { Status = to }, []));

    [Fact]
    public void A_claim_takes_a_lease_with_a_token_in_its_own_transaction()
    {
        var a = Keeper("a");
        var t = NewTicket();

        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");

        var lease = Assert.Single(a.Held);
        Assert.Equal(("a", "t1-1", LeaseState.Held), (lease.Node, lease.Worker, lease.State));
        Assert.Equal(_time.GetUtcNow() + Ttl, lease.ExpiresAt);
        Assert.Equal(lease, _db.Leases.CurrentLease(t.Number));
    }

    [Fact]
    public void A_node_that_keeps_beating_keeps_a_long_turn_however_long_it_runs()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");

        // Five minutes of a healthy node: a beat every heartbeat, the other node expiring what is overdue.
        for (var i = 0; i < 15; i++)
        {
            _time.Advance(a.Heartbeat);
            Assert.True(a.BeatDue);
            Assert.Empty(a.Beat());
            Assert.Empty(b.ExpireOverdue());
        }

        Assert.Equal(("t1-1", TicketStatus.InProgress), (_db.Tickets.GetTicket(t.Number)!.Assignee, _db.Tickets.GetTicket(t.Number)!.Status));
        Assert.Equal(_time.GetUtcNow() + Ttl, _db.Leases.CurrentLease(t.Number)!.ExpiresAt);
    }

    [Fact]
    public void A_lease_not_renewed_within_its_ttl_expires_and_the_ticket_goes_back_to_the_queue()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");

        _time.Advance(Ttl);
        Assert.Empty(b.ExpireOverdue()); // at the deadline itself the lease still holds
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var expired = Assert.Single(b.ExpireOverdue());

        Assert.Equal(("a", "t1-1"), (expired.Node, expired.Worker));
        var back = _db.Tickets.GetTicket(t.Number)!;
        Assert.Equal((TicketStatus.Queued, (string?)null), (back.Status, back.Assignee));
        Assert.Equal(LeaseState.Expired, _db.Leases.CurrentLease(t.Number)!.State);
        Assert.Single(_db.Store.RecentEvents(new EventQuery(10, Type: EventTypes.LeaseExpired)));
        Assert.Empty(b.ExpireOverdue()); // once
    }

    [Fact]
    public void A_node_whose_lease_expired_cannot_write_and_learns_it_lost_it_at_its_next_beat()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        var asA = new NodeTickets(_db.Tickets, a);
        Claim(asA, t.Number, "t1-1");
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        b.ExpireOverdue();

        var refused = Assert.Throws<LeaseLostException>(() => Report(asA, t.Number, TicketStatus.Testing));

        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
        Assert.Equal(TicketStatus.Queued, _db.Tickets.GetTicket(t.Number)!.Status);
        Assert.False(a.Holds(t.Number));
        Assert.Equal("t1-1", Assert.Single(a.TakeRefused()).Worker); // the node's next step ends that agent
        Assert.Empty(a.TakeRefused());
        Assert.Empty(a.Beat());
    }

    [Fact]
    public void A_newer_lease_fences_off_the_older_one_and_the_old_node_ends_its_agent_at_the_next_beat()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        var asA = new NodeTickets(_db.Tickets, a);
        Claim(asA, t.Number, "t1-1");
        var old = a.TokenFor(t.Number)!.Value;
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        b.ExpireOverdue();
        Claim(new NodeTickets(_db.Tickets, b), t.Number, "t1-2");
        var newer = b.TokenFor(t.Number)!.Value;

        var lost = Assert.Single(a.Beat());
        Assert.Equal(old, lost.Token);
        Assert.True(newer > old);
        // A write that still carries the old token (a node cut off mid-write) is refused, naming the new holder.
        var refused = Assert.Throws<LeaseLostException>(() => _db.Tickets.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Testing }, []) { Fence = old }));
        Assert.Contains("node 'b' took it", refused.Message, StringComparison.Ordinal);
        Assert.Equal(("t1-2", TicketStatus.InProgress), (_db.Tickets.GetTicket(t.Number)!.Assignee, _db.Tickets.GetTicket(t.Number)!.Status));
    }

    [Fact]
    public void Another_nodes_held_lease_refuses_a_claim_and_its_work_is_out_of_view()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");
        var asB = new NodeTickets(_db.Tickets, b);

        // Someone unassigned it by hand while a's lease holds: b's claim still loses.
        _db.Tickets.Mutate(t.Number, x => new TicketMutation(x with { Assignee = null }, []));
        Assert.Throws<LeaseHeldException>(() => Claim(asB, t.Number, "t1-2"));

        Assert.Empty(asB.ListTickets(new TicketQuery(TicketStatus.InProgress)));
        Assert.Single(new NodeTickets(_db.Tickets, a).ListTickets(new TicketQuery(TicketStatus.InProgress)));
    }

    [Fact]
    public void Work_that_leaves_the_node_gives_its_lease_back()
    {
        var a = Keeper("a");
        var t = NewTicket();
        var asA = new NodeTickets(_db.Tickets, a);
        Claim(asA, t.Number, "t1-1");

        Report(asA, t.Number, TicketStatus.Testing);
        Assert.True(a.Holds(t.Number));
        Report(asA, t.Number, TicketStatus.Review);

        Assert.False(a.Holds(t.Number));
        Assert.Equal(LeaseState.Released, _db.Leases.CurrentLease(t.Number)!.State);
        _time.Advance(Ttl * 2);
        Assert.Empty(a.ExpireOverdue()); // a released lease never expires the ticket back
        Assert.Equal(TicketStatus.Review, _db.Tickets.GetTicket(t.Number)!.Status);
    }

    [Fact]
    public void A_node_is_offered_only_the_tickets_whose_requirements_it_has()
    {
        var plain = NewTicket();
        var gpu = NewTicket(LeaseKeeper.RequiresPrefix + "gpu");

        var cpuOnly = new NodeTickets(_db.Tickets, Keeper("cpu", "linux"));
        var withGpu = new NodeTickets(_db.Tickets, Keeper("big", "gpu", "linux"));

        Assert.Equal([plain.Number], cpuOnly.ReadyTickets(10).Select(t => t.Number));
        Assert.Equal([plain.Number, gpu.Number], withGpu.ReadyTickets(10).Select(t => t.Number));
    }

    [Fact]
    public void The_merge_queue_skips_a_request_whose_ticket_was_claimed_again()
    {
        var a = Keeper("a");
        var t = NewTicket();
        var asA = new NodeTickets(_db.Tickets, a);
        Claim(asA, t.Number, "t1-1");
        asA.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Review }, [])
        {
            MergeRequest = new Baton.Core.Merge.MergeRequest { Ticket = t.Number, Branch = "b", Target = "main", Status = Baton.Core.Merge.MergeRequestStatus.Queued, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow() },
        });
        var merges = new NodeMerges(_db.Merges, _db.Leases);
        Assert.Single(merges.MergeRequests(openOnly: true));

        // Reopened and claimed again: the queued work is stale.
        _db.Tickets.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Queued, Assignee = null }, []));
        Claim(asA, t.Number, "t1-2");

        Assert.Empty(merges.MergeRequests(openOnly: true));
        Assert.Single(_db.Merges.MergeRequests(openOnly: true));
    }

    [Fact]
    public void A_node_that_learnt_it_lost_a_lease_still_cannot_write_the_work_now_running_elsewhere()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        var asA = new NodeTickets(_db.Tickets, a);
        Claim(asA, t.Number, "t1-1");
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        b.ExpireOverdue();
        var asB = new NodeTickets(_db.Tickets, b);
        Claim(asB, t.Number, "t1-2");
        Assert.Single(a.Beat()); // a knows it lost the lease

        // a's gate, started before it was cut off, finishes: its outcome must not land.
        Assert.Throws<LeaseLostException>(() => Report(asA, t.Number, TicketStatus.Review));

        // Once b hands the work on, the merge queue on a may finish it (no fence on review).
        Report(asB, t.Number, TicketStatus.Testing);
        Report(asB, t.Number, TicketStatus.Review);
        Assert.Equal(TicketStatus.Done, Report(asA, t.Number, TicketStatus.Done).Status);
    }
}
