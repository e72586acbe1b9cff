using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Nodes;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Nodes;

/// <summary>A node whose store is busy (its write lock held elsewhere past store.busy_timeout) waits it out as it waits out a lost one, on the fake clock.</summary>
public sealed class NodeBusyStoreTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _db.Dispose();

    private static StoreBusyException Busy() => new("postgres://baton@db/baton", TimeSpan.FromSeconds(10), new InvalidOperationException("55P03: canceling statement due to lock timeout"));

    [Fact]
    public async Task A_busy_store_stops_the_node_once_retries_with_backoff_keeping_its_connection_and_reports_when_writable()
    {
        var leases = new BusyLeases(_db.Leases);
        var link = new CountingLink();
        var keeper = new LeaseKeeper(leases, _time, new NodeInfo { Name = "a", Host = "h", Pid = 1, Capacity = 4, LeaseTtl = Ttl, StartedAt = _time.GetUtcNow() }, Ttl / 3);
        var duty = new NodeDuty(keeper, leases, _db.Store, _time, (_, _) => Task.CompletedTask) { Link = link };
        await duty.StepAsync(new TickReport(), CancellationToken.None);

        // A tick fails busy (wrapped, as a step's failure may be): the node stops, saying so once
        leases.Busy = true;
        var first = new TickReport();
        Assert.True(duty.StoreLost(new InvalidOperationException("while dispatching", Busy()), first));
        var line = Assert.Single(first.Items);
        Assert.Equal("store_busy", line.Type);
        Assert.Contains("the store is busy", line.Message, StringComparison.Ordinal);
        Assert.Contains("agents keep running", line.Message, StringComparison.Ordinal);
        Assert.True(first.StoreAway);
        var again = new TickReport();
        Assert.True(duty.StoreLost(Busy(), again));
        Assert.Empty(again.Items);

        // While busy it tries on the backoff (each try a beat that fails busy), never reopening its connection
        var tries = new List<int>();
        for (var s = 0; s < 40; s++)
        {
            var before = leases.Beats;
            Assert.False(await duty.ReachableAsync(new TickReport(), CancellationToken.None));
            if (leases.Beats > before)
            {
                tries.Add(s);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([1, 3, 7, 15, 31], tries);
        Assert.Equal(0, link.Reconnects);

        // Once the lock is free the next try writes: the node says so and ticks on
        leases.Busy = false;
        var back = new TickReport();
        while (!await duty.ReachableAsync(back, CancellationToken.None))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Contains(back.Items, i => i.Type == "store_back" && i.Message.Contains("store writable again after 61.0s busy", StringComparison.Ordinal));
        Assert.False(duty.Away);
        Assert.Equal("61000", Assert.Single(_db.Store.RecentEvents(new EventQuery(10, Type: EventTypes.NodeResumed))).Metadata!["away_ms"]);
        Assert.Empty(_db.Store.RecentEvents(new EventQuery(10, Type: EventTypes.NodeReconnected)));
        Assert.Equal(0, link.Reconnects);
    }

    [Fact]
    public void A_failure_that_is_neither_busy_nor_a_lost_connection_is_the_steps_own()
    {
        var keeper = new LeaseKeeper(_db.Leases, _time, new NodeInfo { Name = "a", Host = "h", Pid = 1, Capacity = 4, LeaseTtl = Ttl, StartedAt = _time.GetUtcNow() }, Ttl / 3);
        var duty = new NodeDuty(keeper, _db.Leases, _db.Store, _time, (_, _) => Task.CompletedTask) { Link = new CountingLink() };

        Assert.False(duty.StoreLost(new InvalidOperationException("git refused"), new TickReport()));
        Assert.Null(NodeDuty.Busy(new InvalidOperationException("git refused")));
        Assert.NotNull(NodeDuty.Busy(new AggregateException(Busy())));
    }

    /// <summary>The leases, whose heartbeat (a write) fails busy while the test says so.</summary>
    private sealed class BusyLeases(ILeaseStore inner) : ILeaseStore
    {
        public bool Busy { get; set; }

        public int Beats { get; private set; }

        public Lease? CurrentLease(long ticket) => inner.CurrentLease(ticket);

        public IReadOnlyList<Lease> Leases(bool heldOnly) => inner.Leases(heldOnly);

        public IReadOnlyList<Lease> Heartbeat(NodeInfo node, DateTimeOffset now)
        {
            Beats++;
            return Busy ? throw NodeBusyStoreTests.Busy() : inner.Heartbeat(node, now);
        }

        public IReadOnlyList<Lease> ExpireLeases(DateTimeOffset now) => inner.ExpireLeases(now);

        public void NodeStopped(string node, DateTimeOffset now) => inner.NodeStopped(node, now);

        public IReadOnlyList<NodeInfo> Nodes() => inner.Nodes();

        public IReadOnlyList<string> PruneNodes(DateTimeOffset now) => inner.PruneNodes(now);

        public bool TryHoldMergeQueue() => inner.TryHoldMergeQueue();
    }

    /// <summary>A connection that stays up, counting the reopenings asked of it.</summary>
    private sealed class CountingLink : IStoreLink
    {
        public int Reconnects { get; private set; }

        public bool Connected => true;

        public void Reconnect() => Reconnects++;
    }
}
