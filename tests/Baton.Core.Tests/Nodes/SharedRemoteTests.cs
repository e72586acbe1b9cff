using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Nodes;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Nodes;

/// <summary>A node's clone and the shared remote, on fakes: checkpoint pushes and their retries, resuming a branch, landing a target.</summary>
public sealed class SharedRemoteTests : IDisposable
{
    private const string Branch = "baton/T-1-work";
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeRemote _git = new();
    private readonly SharedRemote _remote;
    private readonly LeaseKeeper _keeper;

    public SharedRemoteTests()
    {
        _remote = new SharedRemote(_git, _git, _git, "origin", _db.Dir, Path.Combine(_db.Dir, ".baton", "worktrees"));
        _keeper = new LeaseKeeper(_db.Leases, _time, new NodeInfo { Name = "a", Host = "h", Capacity = 4, LeaseTtl = TimeSpan.FromSeconds(60), StartedAt = _time.GetUtcNow() }, TimeSpan.FromSeconds(20));
    }

    public void Dispose() => _db.Dispose();

    private NodeTickets Tickets => new(_db.Tickets, _keeper);

    /// <summary>A ticket this node claimed, on <see cref="Branch"/>, in a worktree of <paramref name="root"/>.</summary>
    private Ticket Claimed(string root)
    {
        var t = _db.Tickets.CreateTicket(new Ticket { Number = 0, Title = "work", Status = TicketStatus.Open, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow() },
            t => new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.TicketCreated, Ticket = t.Id });
        return Tickets.Mutate(t.Number, c => new TicketMutation(c with
        {
            Assignee = "t1-1",
            Status = TicketStatus.InProgress,
            Branch = Branch,
            Worktree = Path.Combine(root, ".baton", "worktrees", "T-1-work"),
            Target = "main",
        }, []));
    }

    private BranchPushes Pushes() => new(_remote, Tickets, _db.Leases, _git, _db.Store, _time, "a");

    /// <summary>A tick's push step, then the background push it started, finished.</summary>
    private static void StepAndWait(BranchPushes pushes)
    {
        pushes.Step(new TickReport());
        pushes.Running?.Wait();
    }

    private List<EventRecord> Events(string type) => [.. _db.Store.RecentEvents(new EventQuery(100, Type: type))];

    [Fact]
    public void A_failed_push_is_reported_and_tried_again_after_its_backoff_while_the_gate_waits_for_it()
    {
        var t = Claimed(_db.Dir);
        _git.Local[Branch] = "c1";
        _git.FailPushes = 2;
        var pushes = Pushes();

        // When the remote does not answer
        StepAndWait(pushes);
        pushes.Step(new TickReport()); // takes the outcome in

        // Then the failure is reported, the gate waits, and no push is tried again before its backoff
        var failed = Assert.Single(Events(EventTypes.PushFailed));
        Assert.Contains("try 1", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", failed.Message, StringComparison.Ordinal);
        Assert.NotNull(pushes.Unpushed(t, "c1"));
        StepAndWait(pushes);
        Assert.Single(_git.Pushes);

        // And after 2 s it is tried again (failing once more: 4 s next), then it goes through
        _time.Advance(TimeSpan.FromSeconds(2));
        StepAndWait(pushes);
        pushes.Step(new TickReport());
        Assert.Equal(2, _git.Pushes.Count);
        Assert.Contains(Events(EventTypes.PushFailed), e => e.Message.Contains("try 2", StringComparison.Ordinal));
        _time.Advance(TimeSpan.FromSeconds(3));
        StepAndWait(pushes);
        Assert.Equal(2, _git.Pushes.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        StepAndWait(pushes);
        pushes.Step(new TickReport());

        Assert.Equal("c1", _git.Remote[Branch]);
        Assert.Single(Events(EventTypes.BranchPushed));
        Assert.Null(pushes.Unpushed(t, "c1"));

        // A branch already on the remote is not pushed again; its next commit is
        StepAndWait(pushes);
        Assert.Equal(3, _git.Pushes.Count);
        _git.Parent["c2"] = "c1";
        _git.Local[Branch] = "c2";
        StepAndWait(pushes);
        Assert.Equal($"{Branch} c2", _git.Pushes[^1]);
        Assert.Equal(4, _git.Pushes.Count);
        Assert.Equal("c2", _git.Remote[Branch]);
    }

    [Fact]
    public void A_push_the_remote_refuses_because_another_clone_pushed_is_reported_and_overwrites_nothing()
    {
        Claimed(_db.Dir);
        _git.Local[Branch] = "mine";
        _git.Remote[Branch] = "theirs"; // pushed by another clone; this one never saw it

        var pushes = Pushes();
        StepAndWait(pushes);
        pushes.Step(new TickReport());

        Assert.Equal("theirs", _git.Remote[Branch]);
        Assert.Contains("another clone pushed", Assert.Single(Events(EventTypes.PushFailed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Work_recorded_in_another_clone_is_not_pushed_from_this_one()
    {
        Claimed(Path.Combine(_db.Dir, "elsewhere"));
        _git.Local[Branch] = "c1";

        StepAndWait(Pushes());

        Assert.Empty(_git.Pushes);
        Assert.False(_remote.Owns(Path.Combine(_db.Dir, "elsewhere", ".baton", "worktrees", "T-1-work")));
        Assert.True(_remote.Owns(Path.Combine(_db.Dir, ".baton", "worktrees", "T-1-work")));
    }

    [Fact]
    public void A_claimed_branch_resumes_from_the_remote_when_this_clone_lacks_it_or_is_behind_and_keeps_what_only_it_has()
    {
        // Lacks it: made at the remote's commit
        _git.Remote[Branch] = "c1";
        Assert.NotNull(_remote.ResumeBranch(Branch));
        Assert.Equal("c1", _git.Local[Branch]);

        // Behind: fast-forwarded
        _git.Parent["c2"] = "c1";
        _git.Remote[Branch] = "c2";
        Assert.NotNull(_remote.ResumeBranch(Branch));
        Assert.Equal("c2", _git.Local[Branch]);

        // Ahead (commits not pushed yet): kept; never pushed at all: nothing to do
        _git.Parent["c3"] = "c2";
        _git.Local[Branch] = "c3";
        Assert.Null(_remote.ResumeBranch(Branch));
        Assert.Equal("c3", _git.Local[Branch]);
        Assert.Null(_remote.ResumeBranch("baton/T-2-new"));

        // Gone separate ways: refused, nothing overwritten
        _git.Parent["x"] = "c1";
        _git.Remote[Branch] = "x";
        var e = Assert.Throws<BatonException>(() => _remote.ResumeBranch(Branch));
        Assert.Contains("went separate ways", e.Message, StringComparison.Ordinal);
        Assert.Equal("c3", _git.Local[Branch]);
    }

    [Fact]
    public void A_landing_pushes_the_target_from_where_it_was_fetched_and_a_remote_that_moved_lands_nothing()
    {
        _git.Local["main"] = "m1";
        _git.Parent["m2"] = "m1";
        _git.Remote["main"] = "m2"; // another node landed
        Assert.Equal(("m2", "m2"), _remote.SyncTarget("main"));
        Assert.Equal("m2", _git.Local["main"]);

        _git.Parent["merged"] = "m2";
        Assert.True(_remote.Land("main", "m2", "merged"));
        Assert.Equal(("merged", "merged"), (_git.Remote["main"], _git.Local["main"]));

        // The remote moved after this clone last saw it: refused, the local target stays
        _git.Parent["m3"] = "merged";
        _git.Remote["main"] = "m3";
        _git.Parent["again"] = "merged";
        Assert.False(_remote.Land("main", "merged", "again"));
        Assert.Equal(("m3", "merged"), (_git.Remote["main"], _git.Local["main"]));
    }

    [Fact]
    public void A_stacked_ticket_starts_from_its_parent_s_branch_fetched_from_the_remote_and_fails_clearly_when_no_one_has_it()
    {
        // Given a parent in review whose tested branch another node pushed, and its dependent claimed here, stacked on it
        _git.Local["main"] = "m1";
        _git.Remote["main"] = "m1";
        _git.Parent["p1"] = "m1";
        _git.Remote[Branch] = "p1";
        var parent = Claimed(Path.Combine(_db.Dir, "elsewhere"));
        parent = _db.Tickets.Mutate(parent.Number, t => new TicketMutation(t with { Status = TicketStatus.Review, Assignee = null }, []));
        var child = _db.Tickets.CreateTicket(new Ticket { Number = 0, Title = "child", Status = TicketStatus.Open, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow() },
            t => new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.TicketCreated, Ticket = t.Id });
        child = _db.Tickets.Mutate(child.Number, t => new TicketMutation(t with { Status = TicketStatus.InProgress, Assignee = "t2-1", Branch = "baton/T-2-child", Target = "main", StackedOn = parent.Number }, []));
        Assert.Equal(Branch, Dispatcher.StackParentBranch(_db.Tickets, child));
        Assert.Equal("main", Dispatcher.StartPoint(_db.Tickets, _git, _db.Dir, child)); // this clone lacks it: the target, silently, without the fetch

        // When its worktree is prepared
        _remote.Prepare(child, Dispatcher.StackParentBranch(_db.Tickets, child));

        // Then the parent's branch is here at the remote's commit, and the dependent starts from it
        Assert.Equal("p1", _git.Local[Branch]);
        Assert.Equal(Branch, Dispatcher.StartPoint(_db.Tickets, _git, _db.Dir, child));

        // And a parent's branch neither here nor on the remote fails the start, naming it, instead of starting from the target
        var e = Assert.Throws<BatonException>(() => _remote.Prepare(child, "baton/T-3-unpushed"));
        Assert.Contains("stacked on baton/T-3-unpushed, which neither this clone nor origin has", e.Message, StringComparison.Ordinal);
        Assert.False(_git.Local.ContainsKey("baton/T-3-unpushed"));
    }

    [Fact]
    public void A_branch_merged_without_a_tested_commit_is_the_remote_s_unless_this_clone_has_all_of_it_and_more()
    {
        // Pushed by another node, absent here: the remote's
        _git.Remote[Branch] = "c1";
        Assert.Equal("c1", _remote.Head(Branch));
        Assert.Equal("c1", _git.Tracking[Branch]); // fetched: the commit is in this clone for the merge

        // Stale here (another node landed more on it): the remote's
        _git.Parent["c2"] = "c1";
        _git.Local[Branch] = "c1";
        _git.Remote[Branch] = "c2";
        Assert.Equal("c2", _remote.Head(Branch));

        // Ahead here (commits not pushed yet): this clone's; gone separate ways: the remote's
        _git.Parent["c3"] = "c2";
        _git.Local[Branch] = "c3";
        Assert.Equal("c3", _remote.Head(Branch));
        _git.Parent["x"] = "c1";
        _git.Local[Branch] = "x";
        Assert.Equal("c2", _remote.Head(Branch));

        // Never pushed: this clone's; nowhere: none
        _git.Local["baton/T-2-local"] = "l1";
        Assert.Equal("l1", _remote.Head("baton/T-2-local"));
        Assert.Null(_remote.Head("baton/T-3-nowhere"));
    }
}

