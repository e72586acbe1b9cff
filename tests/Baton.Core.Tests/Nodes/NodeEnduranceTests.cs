using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Nodes;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Nodes;

/// <summary>A node that outlasts its own slow ticks and the loss of its store: the heartbeat on its own clock, the reconnection backoff, fenced background writes, work no node can run.</summary>
public sealed class NodeEnduranceTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteStore _second;

    public NodeEnduranceTests()
    {
        // Another connection to the same store: the pump's, a background task's.
        _second = SqliteStore.Open(Path.Combine(_db.Dir, "baton.db"), create: false);
    }

    public void Dispose()
    {
        _second.Dispose();
        _db.Dispose();
    }

    private LeaseKeeper Keeper(string name, ILeaseStore? leases = null, params string[] labels) => new(leases ?? _db.Leases, _time, new NodeInfo
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

    private static Ticket Claim(ITicketStore tickets, long number, string worker) =>
        tickets.Mutate(number, t => new TicketMutation(t with { Assignee = worker, Status = TicketStatus.InProgress, Attempts = t.Attempts + 1 }, []));

    private void AddWorker(string name, long ticket) => _db.Store.AddWorker(new Worker
    {
        Name = name,
        Agent = "scripted",
        Mode = WorkerMode.Tmux,
        Session = "baton-" + name,
        Directory = _db.Dir,
        State = WorkerState.Busy,
        Evidence = "test",
        StateSince = _time.GetUtcNow(),
        CreatedAt = _time.GetUtcNow(),
        Ticket = ticket,
    }, new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.WorkerSpawned, Worker = name, Message = "test worker" });

    [Fact]
    public void A_tick_that_blocks_longer_than_lease_ttl_keeps_its_leases_on_the_pumps_own_clock()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");
        a.Beat();
        using var pump = new HeartbeatPump(a, new SqlLeaseStore(_second), null, _time);
        pump.Start();

        // The loop is stuck in one step for five minutes (five lease_ttls): it beats not once.
        for (var i = 0; i < 300; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Empty(b.ExpireOverdue());
        }

        Assert.True(a.Holds(t.Number));
        Assert.Null(pump.FailingSince);
        Assert.True(_db.Leases.CurrentLease(t.Number)!.ExpiresAt > _time.GetUtcNow() + Ttl - a.Heartbeat - TimeSpan.FromSeconds(1));
        Assert.Equal((TicketStatus.InProgress, "t1-1"), (_db.Tickets.GetTicket(t.Number)!.Status, _db.Tickets.GetTicket(t.Number)!.Assignee));
    }

    [Fact]
    public void Without_the_pump_the_same_blocked_tick_loses_its_lease()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");
        a.Beat();

        _time.Advance(Ttl + TimeSpan.FromSeconds(1));

        Assert.Single(b.ExpireOverdue());
        Assert.Equal("t1-1", Assert.Single(a.Beat()).Worker);
    }

    [Fact]
    public void A_lease_the_pumps_beat_finds_gone_waits_for_the_loop_to_end_its_agent()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        b.ExpireOverdue();
        using var pump = new HeartbeatPump(a, new SqlLeaseStore(_second), null, _time);

        pump.Beat();

        Assert.False(a.Holds(t.Number));
        Assert.Equal("t1-1", Assert.Single(a.TakeRefused()).Worker);
    }

    [Fact]
    public void A_claim_made_while_a_beat_was_under_way_is_not_taken_for_lost()
    {
        var t = NewTicket();
        LeaseKeeper? a = null;
        // The pump's heartbeat reads the leases before the loop's claim commits, and returns after it.
        var racing = new RacingLeases(new SqlLeaseStore(_second), () => Claim(new NodeTickets(_db.Tickets, a!), t.Number, "t1-1"));
        a = Keeper("a");

        a.BeatAside(racing);

        Assert.True(a.Holds(t.Number));
        Assert.Empty(a.TakeRefused());
        Assert.Empty(a.Beat()); // and the next beat renews it
        Assert.True(a.Holds(t.Number));
    }

    [Fact]
    public void A_failing_pump_says_since_when_and_recovers_through_its_link()
    {
        var a = Keeper("a");
        var link = new FakeLink { Down = true };
        var leases = new FailingLeases(new SqlLeaseStore(_second), link);
        using var pump = new HeartbeatPump(a, leases, link, _time);

        pump.Beat();
        var since = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(20));
        pump.Beat();
        Assert.Equal(since, pump.FailingSince);

        link.Down = false;
        pump.Beat();
        Assert.Null(pump.FailingSince);
        Assert.Equal(_time.GetUtcNow(), a.LastBeat);
    }

    [Fact]
    public void The_reconnection_backoff_starts_at_a_second_and_doubles_to_thirty()
    {
        var outage = new StoreOutage(_time);
        Assert.True(outage.Lost());
        Assert.False(outage.Lost()); // already known
        var waits = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            Assert.False(outage.TryDue);
            _time.Advance(outage.Wait);
            Assert.True(outage.TryDue);
            waits.Add(outage.Wait.TotalSeconds);
            outage.Failed();
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], waits);
        Assert.Equal(TimeSpan.FromSeconds(121), outage.Back());
        Assert.False(outage.Away);
    }

    [Fact]
    public async Task A_node_that_loses_its_store_stops_ticking_retries_with_backoff_and_once_back_ends_the_agents_of_leases_it_lost()
    {
        var link = new FakeLink();
        var ended = new List<string>();
        var a = Keeper("a");
        var b = Keeper("b");
        var duty = new NodeDuty(a, _db.Leases, _db.Store, _time, (w, _) => { ended.Add(w); return Task.CompletedTask; }) { Link = link };
        await duty.StepAsync(new TickReport(), CancellationToken.None);
        var t = NewTicket();
        Claim(new NodeTickets(_db.Tickets, a), t.Number, "t1-1");
        AddWorker("t1-1", t.Number);

        // A plain failure with the connection open is no loss of the store.
        Assert.False(duty.StoreLost(new InvalidOperationException("git refused"), new TickReport()));

        // The connection drops: one line says so, and the node ticks no further.
        link.Down = true;
        var lost = new TickReport();
        Assert.True(duty.StoreLost(new InvalidOperationException("connection reset"), lost));
        Assert.Equal("store_lost", Assert.Single(lost.Items).Type);
        Assert.Contains("agents keep running", lost.Items[0].Message, StringComparison.Ordinal);
        Assert.True(duty.StoreLost(new InvalidOperationException("still"), new TickReport()));
        var tries = new List<TimeSpan>();
        var start = _time.GetUtcNow();
        for (var s = 0; s < 70; s++)
        {
            var before = link.Tries;
            Assert.False(await duty.ReachableAsync(new TickReport(), CancellationToken.None));
            if (link.Tries > before)
            {
                tries.Add(_time.GetUtcNow() - start);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(new[] { 1, 3, 7, 15, 31, 61 }.Select(x => TimeSpan.FromSeconds(x)), tries);
        Assert.Empty(ended); // its agent ran on while the node was away

        // Meanwhile its lease expired and node b took the ticket.
        b.ExpireOverdue();
        Claim(new NodeTickets(_db.Tickets, b), t.Number, "t1-2");

        link.Down = false;
        while (!await duty.ReachableAsync(new TickReport(), CancellationToken.None))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["t1-1"], ended);
        var back = Assert.Single(_db.Store.RecentEvents(new EventQuery(10, Type: EventTypes.NodeReconnected)));
        Assert.Equal("91000", back.Metadata!["away_ms"]);
        Assert.Equal("1", back.Metadata["leases_lost"]);
        Assert.Single(_db.Store.RecentEvents(new EventQuery(10, Type: EventTypes.LeaseLost)));
        Assert.False(duty.Away);
    }

    [Fact]
    public void A_background_write_on_another_connection_carries_the_nodes_fencing_token()
    {
        var a = Keeper("a");
        var b = Keeper("b");
        var t = NewTicket();
        var asA = new NodeTickets(_db.Tickets, a);
        Claim(asA, t.Number, "t1-1");
        var background = asA.Over(new SqlTicketStore(_second));
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        b.ExpireOverdue();
        Claim(new NodeTickets(_db.Tickets, b), t.Number, "t1-2");

        // A spawn of a's still under way records its worktree: refused, not written over b's attempt.
        var refused = Assert.Throws<LeaseLostException>(() => background.Mutate(t.Number, x => new TicketMutation(x with { Worktree = "/stale" }, [])));
        Assert.Contains("node 'b' took it", refused.Message, StringComparison.Ordinal);
        Assert.NotEqual("/stale", _db.Tickets.GetTicket(t.Number)!.Worktree);
        Assert.Equal("t1-1", Assert.Single(a.TakeRefused()).Worker);
    }

    [Fact]
    public void Work_no_running_node_has_the_labels_for_is_reported_with_what_is_missing()
    {
        var cpu = Keeper("cpu", null, "linux");
        var duty = new NodeDuty(cpu, _db.Leases, _db.Store, _time, (_, _) => Task.CompletedTask);
        var plain = NewTicket();
        var gpu = NewTicket(LeaseKeeper.RequiresPrefix + "gpu");
        var both = NewTicket(LeaseKeeper.RequiresPrefix + "gpu", LeaseKeeper.RequiresPrefix + "linux");
        var gpuNode = Keeper("big", null, "gpu");
        gpuNode.Beat();

        // A running node has gpu: only the ticket wanting gpu and linux on one node is stuck.
        var stuck = duty.Unrunnable(_db.Tickets.ListTickets(new TicketQuery()));
        var (id, why) = Assert.Single(stuck);
        Assert.Equal(both.Id, id);
        Assert.Contains("gpu, linux together", why, StringComparison.Ordinal);

        // The gpu node stops answering: gpu is missing everywhere.
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        stuck = duty.Unrunnable(_db.Tickets.ListTickets(new TicketQuery()));
        Assert.Equal([gpu.Id, both.Id], stuck.Select(s => s.Ticket));
        Assert.All(stuck, s => Assert.Contains("requires gpu, which no running node offers (running: cpu [linux])", s.Reason, StringComparison.Ordinal));
        Assert.DoesNotContain(plain.Id, stuck.Select(s => s.Ticket));
    }

    /// <summary>A connection that is up or down as the test says; a try while down fails as an unreachable store.</summary>
    private sealed class FakeLink : IStoreLink
    {
        public bool Down { get; set; }

        public int Tries { get; private set; }

        public bool Connected => !Down;

        public void Reconnect()
        {
            Tries++;
            if (Down)
            {
                throw new StoreUnreachableException("down", new IOException("refused"));
            }
        }
    }

    /// <summary>Leases whose heartbeat fails while the link is down.</summary>
    private sealed class FailingLeases(ILeaseStore inner, FakeLink link) : ILeaseStore
    {
        public Lease? CurrentLease(long ticket) => inner.CurrentLease(ticket);

        public IReadOnlyList<Lease> Leases(bool heldOnly) => inner.Leases(heldOnly);

        public IReadOnlyList<Lease> Heartbeat(NodeInfo node, DateTimeOffset now) => link.Down ? throw new IOException("connection reset") : inner.Heartbeat(node, now);

        public IReadOnlyList<Lease> ExpireLeases(DateTimeOffset now) => inner.ExpireLeases(now);

        public void NodeStopped(string node, DateTimeOffset now) => inner.NodeStopped(node, now);

        public IReadOnlyList<NodeInfo> Nodes() => inner.Nodes();

        public IReadOnlyList<string> PruneNodes(DateTimeOffset now) => inner.PruneNodes(now);

        public bool TryHoldMergeQueue() => inner.TryHoldMergeQueue();
    }

    /// <summary>A heartbeat that answers what it read before <paramref name="during"/> ran (a claim committed meanwhile on the loop's connection).</summary>
    private sealed class RacingLeases(ILeaseStore inner, Action during) : ILeaseStore
    {
        public Lease? CurrentLease(long ticket) => inner.CurrentLease(ticket);

        public IReadOnlyList<Lease> Leases(bool heldOnly) => inner.Leases(heldOnly);

        public IReadOnlyList<Lease> Heartbeat(NodeInfo node, DateTimeOffset now)
        {
            var read = inner.Heartbeat(node, now);
            during();
            return read;
        }

        public IReadOnlyList<Lease> ExpireLeases(DateTimeOffset now) => inner.ExpireLeases(now);

        public void NodeStopped(string node, DateTimeOffset now) => inner.NodeStopped(node, now);

        public IReadOnlyList<NodeInfo> Nodes() => inner.Nodes();

        public IReadOnlyList<string> PruneNodes(DateTimeOffset now) => inner.PruneNodes(now);

        public bool TryHoldMergeQueue() => inner.TryHoldMergeQueue();
    }
}
