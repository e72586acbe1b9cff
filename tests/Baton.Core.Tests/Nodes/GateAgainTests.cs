using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Nodes;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Nodes;

/// <summary>
/// A ticket the merge queue sends back to testing (its branch moved after its gate) has no lease
/// any more: two nodes on one repository, on fakes and the fake clock, show that its gate runs
/// again exactly once, on one node, under a fresh fencing token that still fences.
/// </summary>
public sealed class GateAgainTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private const string C1 = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1";
    private const string C2 = "c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2";

    [Fact]
    public async Task A_ticket_sent_back_to_testing_by_the_merge_queue_is_gated_again_once_on_one_node_and_lands()
    {
        // Given node a ran T-1's gate on commit C1
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"] } };
        var (a, b) = (new Node(rig, "a", mergeQueue: true), new Node(rig, "b", mergeQueue: false));
        var ticket = a.Claim("t1-1");
        var worktree = ticket.Worktree!;
        Script(rig, worktree, ticket.Branch!, C1);
        ReportDone(rig, ticket.Number);
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "1 passed\n");
        await a.TickAsync();

        // When its branch moves after the gate (a late checkpoint): the pass goes to review, the
        // lease is given back with it, and the merge queue sends the ticket back to testing
        rig.Git.HeadOf[worktree] = C2;
        rig.Git.Heads[ticket.Branch!] = C2;
        var sentBack = await a.TickAsync();
        Assert.Contains(sentBack.Items, i => i.Type == "gate_passed");
        Assert.Contains(sentBack.Items, i => i.Type == "testing_again");
        Assert.Equal(TicketStatus.Testing, rig.Ticket(ticket.Number).Status);
        var first = rig.Db.Leases.CurrentLease(ticket.Number)!;
        Assert.Equal(("a", LeaseState.Released), (first.Node, first.State));

        // Then, as both nodes tick on (b first), one of them takes it with a fresh token and runs its gate once
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "1 passed\n");
        var leased = new List<string>();
        for (var tick = 0; tick < 4; tick++)
        {
            foreach (var node in new[] { b, a })
            {
                var report = await node.TickAsync();
                leased.AddRange(report.Items.Where(i => i.Type == "gate_leased").Select(_ => node.Name));
            }
        }

        var again = rig.Db.Leases.Leases(heldOnly: false).Where(l => l.Ticket == ticket.Number).OrderBy(l => l.Token).ToList();
        Assert.Equal(2, again.Count);
        Assert.True(again[1].Token > first.Token);
        Assert.Equal([again[1].Node], leased);
        Assert.Equal(LeaseState.Released, again[1].State); // given back when it passed to review
        Assert.Equal(2, rig.Events(EventTypes.GateStarted).Count);
        Assert.Equal(TicketStatus.Done, rig.Ticket(ticket.Number).Status);
        Assert.Single(rig.Events(EventTypes.Merged));
        var merged = rig.Db.Merges.MergeRequests(openOnly: false).Single(m => m.Status == MergeRequestStatus.Merged);
        Assert.Equal("m-" + C2, merged.Detail);
        rig.Runner.VerifyAllCalled();
    }

    [Fact]
    public async Task A_node_that_lost_the_lease_it_took_for_the_gate_cannot_write_the_gates_outcome()
    {
        // Given T-1 sent back to testing after node a's gate, and node a took it for its gate again
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"] } };
        var (a, b) = (new Node(rig, "a", mergeQueue: true), new Node(rig, "b", mergeQueue: false));
        var ticket = a.Claim("t1-1");
        Script(rig, ticket.Worktree!, ticket.Branch!, C1);
        ReportDone(rig, ticket.Number);
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "1 passed\n");
        await a.TickAsync();
        rig.Git.HeadOf[ticket.Worktree!] = C2;
        rig.Git.Heads[ticket.Branch!] = C2;
        await a.TickAsync(); // the pass lands in review and the merge queue sends it back
        Assert.Equal(TicketStatus.Testing, rig.Ticket(ticket.Number).Status);
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "1 passed\n");
        var took = await a.TickAsync(); // a takes it and its gate runs (and finishes) in the background
        var token = long.Parse(Assert.Single(took.Items, i => i.Type == "gate_leased").Fields["token"], System.Globalization.CultureInfo.InvariantCulture);

        // When a is cut off past its lease_ttl, b expires the lease and runs the ticket itself to testing
        rig.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal(token, Assert.Single(b.Keeper.ExpireOverdue()).Token);
        b.Claim("t1-2");
        ReportDone(rig, ticket.Number);

        // Then a's late gate pass is refused by the fence: nothing of it is written
        await Assert.ThrowsAsync<LeaseLostException>(() => a.Completion.StepAsync(new TickReport(), CancellationToken.None));
        var now = rig.Ticket(ticket.Number);
        Assert.Equal((TicketStatus.Testing, "t1-2"), (now.Status, now.Assignee));
        Assert.DoesNotContain(rig.Db.Merges.MergeRequests(openOnly: false), m => m.Status == MergeRequestStatus.Queued);
        Assert.Equal("b", rig.Db.Leases.CurrentLease(ticket.Number)!.Node);
    }

    [Fact]
    public async Task Two_merge_queues_landing_the_same_request_record_one_merge_and_one_completion()
    {
        // Given node a's gate passed T-1 and a's merge queue is landing it, when node b, which took
        // the queue over (a was cut off and its advisory lock went), lands the same request too
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"] } };
        var (a, b) = (new Node(rig, "a", mergeQueue: true), new Node(rig, "b", mergeQueue: true));
        var ticket = a.Claim("t1-1");
        Script(rig, ticket.Worktree!, ticket.Branch!, C1);
        ReportDone(rig, ticket.Number);
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "1 passed\n");
        await a.TickAsync(); // the gate runs
        var passed = await a.TickAsync(); // the pass is recorded, and a starts landing it
        Assert.Contains(passed.Items, i => i.Type == "merging");
        var also = await b.TickAsync();
        Assert.Contains(also.Items, i => i.Type == "merging");

        // Then both landings come back, and the one recorded second records nothing
        await a.TickAsync();
        var second = await b.TickAsync();

        Assert.Contains(second.Items, i => i.Type == "merged_elsewhere");
        Assert.Equal(TicketStatus.Done, rig.Ticket(ticket.Number).Status);
        Assert.Single(rig.Events(EventTypes.Merged));
        Assert.Single(rig.Events(EventTypes.TaskCompleted));
        Assert.Single(rig.Results.Written);
    }

    // The ticket's branch at `commit` (and its worktree there), one commit ahead of main, which
    // has not moved: a merge lands it as m-COMMIT with no second gate.
    private static void Script(AutopilotRig rig, string worktree, string branch, string commit)
    {
        rig.Git.HeadOf[worktree] = commit;
        rig.Git.Heads["main"] = "m0";
        rig.Git.Heads[branch] = commit;
        rig.Git.Ahead = (dir, _, _) => dir == worktree ? 1 : 0;
        rig.Git.OnMergeCommit = (_, _, head) => new MergeAttempt(true, "m-" + head, [], "");
        rig.Git.OnFastForward = (_, target, _, _) => target == "main";
    }

    /// <summary>The agent's `baton ticket done`: in progress to testing.</summary>
    private static void ReportDone(AutopilotRig rig, long number)
    {
        var now = rig.Time.GetUtcNow();
        rig.Tickets.Mutate(number, t => new TicketMutation(t with { Status = TicketStatus.Testing, UpdatedAt = now }, []));
    }

    /// <summary>One node on the rig's store: its keeper, its step and its completion stage on its own view of the tickets.</summary>
    private sealed class Node
    {
        private readonly AutopilotRig _rig;
        private readonly NodeTickets _tickets;
        private readonly NodeDuty _duty;

        /// <param name="mergeQueue">Whether this node holds the merge queue (one node at a time does, as PostgreSQL's advisory lock makes it).</param>
        public Node(AutopilotRig rig, string name, bool mergeQueue)
        {
            _rig = rig;
            Name = name;
            Keeper = new LeaseKeeper(rig.Db.Leases, rig.Time, new NodeInfo { Name = name, Host = "host-" + name, Pid = 1, Capacity = 4, LeaseTtl = Ttl, StartedAt = rig.Time.GetUtcNow() }, Ttl / 3);
            _tickets = new NodeTickets(rig.Db.Tickets, Keeper);
            _duty = new NodeDuty(Keeper, rig.Db.Leases, rig.Db.Store, rig.Time, (_, _) => Task.CompletedTask)
            {
                Gates = new GateLeases(_tickets, rig.Db.Tickets, rig.Db.Leases, Keeper, rig.Time),
            };
            Completion = rig.Completion(rig.Life(), _ => { }, _tickets, new NodeMerges(rig.Db.Merges, mergeQueue ? rig.Db.Leases : new NoMergeQueue(rig.Db.Leases)));
        }

        public string Name { get; }

        public LeaseKeeper Keeper { get; }

        public GatesAndMerges Completion { get; }

        /// <summary>What the dispatcher's claim writes, through this node: the ticket assigned and started on its branch.</summary>
        public Ticket Claim(string worker)
        {
            var number = _rig.Db.Tickets.ListTickets(new TicketQuery()).SingleOrDefault()?.Number ?? _rig.Db.Tickets.CreateTicket(
                new Ticket { Number = 0, Title = "work", Status = TicketStatus.Open, CreatedAt = _rig.Time.GetUtcNow(), UpdatedAt = _rig.Time.GetUtcNow() },
                t => new EventRecord { Time = _rig.Time.GetUtcNow(), Type = EventTypes.TicketCreated, Ticket = t.Id }).Number;
            return _tickets.Mutate(number, t => new TicketMutation(t with
            {
                Assignee = worker,
                Status = TicketStatus.InProgress,
                Attempts = t.Attempts + 1,
                Branch = $"baton/{t.Id}-work",
                Target = "main",
                Worktree = Path.Combine(_rig.Root, ".baton", "worktrees", t.Id),
            }, []));
        }

        /// <summary>The node's part of a tick, then its gates and merge queue; waits for what that started in the background.</summary>
        public async Task<TickReport> TickAsync()
        {
            var report = new TickReport();
            await _duty.StepAsync(report, CancellationToken.None);
            await Completion.StepAsync(report, CancellationToken.None);
            await Task.WhenAll(Completion.Running);
            return report;
        }
    }

    /// <summary>The leases of a node that does not hold the merge queue (another node's connection holds its lock).</summary>
    private sealed class NoMergeQueue(ILeaseStore inner) : ILeaseStore
    {
        public Lease? CurrentLease(long ticket) => inner.CurrentLease(ticket);

        public IReadOnlyList<Lease> Leases(bool heldOnly) => inner.Leases(heldOnly);

        public IReadOnlyList<Lease> Heartbeat(NodeInfo node, DateTimeOffset now) => inner.Heartbeat(node, now);

        public IReadOnlyList<Lease> ExpireLeases(DateTimeOffset now) => inner.ExpireLeases(now);

        public void NodeStopped(string node, DateTimeOffset now) => inner.NodeStopped(node, now);

        public IReadOnlyList<NodeInfo> Nodes() => inner.Nodes();

        public IReadOnlyList<string> PruneNodes(DateTimeOffset now) => inner.PruneNodes(now);

        public bool TryHoldMergeQueue() => false;
    }
}
