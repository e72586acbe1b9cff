using Baton.Core;
using Baton.Core.Budgets;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Baton.Infrastructure.Storage.Sql;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>
/// The store's behaviour, one suite run against each engine (SqliteStoreContractTests,
/// PostgresStoreContractTests): the same calls must give the same results on both.
/// </summary>
public abstract class StoreContract : IDisposable
{
    private readonly List<SqlStore> _opened = [];

    /// <summary>A new store on an empty database (or reopens the test's one when <paramref name="again"/>).</summary>
    protected abstract SqlStore OpenStore(bool again = false);

    /// <summary>Runs SQL on a connection of its own, outside the store's code.</summary>
    protected abstract void ExecuteRaw(string sql);

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

    private static Worker NewWorker(string name, WorkerState state = WorkerState.Starting) => new()
    {
        Name = name,
        Agent = "scripted",
        Mode = WorkerMode.Tmux,
        Session = "baton-" + name,
        Directory = "/repo",
        State = state,
        StateSince = DateTimeOffset.UtcNow,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static EventRecord Event(string type, string? worker = null, string? ticket = null) =>
        new() { Time = DateTimeOffset.UtcNow, Type = type, Worker = worker, Ticket = ticket };

    private static Ticket Draft(string title, params string[] labels) => new()
    {
        Number = 0,
        Title = title,
        Status = TicketStatus.Open,
        Labels = labels,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public void Events_are_append_only()
    {
        Open().AppendEvent(Event("note", "w"));

        Assert.Contains("append-only", Assert.ThrowsAny<Exception>(() => ExecuteRaw("UPDATE events SET message = 'changed'")).Message);
        Assert.Contains("append-only", Assert.ThrowsAny<Exception>(() => ExecuteRaw("DELETE FROM events")).Message);
    }

    [Fact]
    public void A_live_name_cannot_be_added_twice_and_the_state_row_comes_with_its_event()
    {
        var store = Open();
        store.AddWorker(NewWorker("w"), Event(EventTypes.WorkerSpawned, "w"));

        Assert.Throws<BatonException>(() => store.AddWorker(NewWorker("w"), Event(EventTypes.WorkerSpawned, "w")));
        Assert.Single(store.RecentEvents(new EventQuery(10, "w")));
        Assert.Equal("baton-w", store.GetWorker("w")!.Session);
        Assert.Single(store.ListWorkers(includeKilled: false));
    }

    [Fact]
    public void A_change_made_from_a_stale_state_is_not_applied()
    {
        var store = Open();
        var w = NewWorker("w");
        store.AddWorker(w, Event(EventTypes.WorkerSpawned, "w"));
        Assert.Equal(1, store.UpdateWorkers([new WorkerChange(w with { State = WorkerState.Exited, ExitCode = 0 }, Event(EventTypes.WorkerExited, "w"), w)]));

        var applied = store.UpdateWorkers([new WorkerChange(w with { State = WorkerState.Busy }, Event("stale", "w"), w)]);

        Assert.Equal(0, applied);
        Assert.Equal(WorkerState.Exited, store.GetWorker("w")!.State);
        Assert.Equal(0, store.GetWorker("w")!.ExitCode);
        Assert.DoesNotContain(store.RecentEvents(new EventQuery(10)), e => e.Type == "stale");
    }

    [Fact]
    public void Events_after_an_id_page_through_the_log_oldest_first_without_a_gap()
    {
        var store = Open();
        Assert.Equal(0, store.LastEventId());
        store.AppendEvents(Enumerable.Range(1, 25).Select(i => Event("note", "w" + i)));

        var seen = new List<long>();
        for (var after = 0L; store.EventsAfter(after, 10) is { Count: > 0 } page; after = page[^1].Id)
        {
            seen.AddRange(page.Select(e => e.Id));
        }

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), seen);
        Assert.Equal(25, store.LastEventId());
        Assert.Equal(16, store.RecentEvents(new EventQuery(10, AfterId: 0))[0].Id);
        Assert.Equal("w3", Assert.Single(store.RecentEvents(new EventQuery(10, Worker: "w3"))).Worker);
    }

    [Fact]
    public void Another_connections_commit_moves_the_change_counter()
    {
        var reader = Open();
        var before = reader.ChangeCounter();

        Open(again: true).AppendEvent(Event("note", "w", "T-1"));

        Assert.NotEqual(before, reader.ChangeCounter());
        Assert.Equal("T-1", Assert.Single(reader.RecentEvents(new EventQuery(5, Ticket: "T-1"))).Ticket);
    }

    [Fact]
    public void The_version_moves_with_this_connections_writes_and_anothers_and_only_then()
    {
        var store = Open();
        var v0 = store.Version();
        Assert.Equal(v0, store.Version());
        store.RecentEvents(new EventQuery(5));
        Assert.Equal(v0, store.Version());

        store.AppendEvent(Event("note", "w"));
        var v1 = store.Version();
        Assert.NotEqual(v0, v1);

        Open(again: true).AppendEvent(Event("note", "w"));
        Assert.NotEqual(v1, store.Version());
    }

    [Fact]
    public void Tickets_are_numbered_with_their_dependencies_and_become_ready_when_those_are_done()
    {
        var tickets = new SqlTicketStore(Open());
        var first = tickets.CreateTicket(Draft("first", "backend"), t => Event("ticket.created", ticket: t.Id));
        var second = tickets.CreateTicket(Draft("second") with { DependsOn = [first.Number] }, t => Event("ticket.created", ticket: t.Id));

        Assert.Equal((1L, 2L), (first.Number, second.Number));
        Assert.Equal([first.Number], tickets.GetTicket(second.Number)!.DependsOn);
        Assert.Equal([first.Number], tickets.ReadyTickets(10).Select(t => t.Number));
        Assert.Equal(["first"], tickets.ListTickets(new TicketQuery(Label: "backend")).Select(t => t.Title));
        Assert.Empty(tickets.ListTickets(new TicketQuery(Label: "nothing")));
        Assert.Equal([second.Number], tickets.Dependents(first.Number));

        tickets.Mutate(first.Number, t => new TicketMutation(t with { Status = TicketStatus.Done, Assignee = "w1" }, [Event("ticket.done", ticket: t.Id)]));

        Assert.Equal([second.Number], tickets.ReadyTickets(10).Select(t => t.Number));
        Assert.Equal("w1", tickets.GetTicket(first.Number)!.Assignee);
        Assert.Equal(TicketStatus.Done, tickets.Statuses()[first.Number]);
        Assert.Single(tickets.ListTickets(new TicketQuery(Status: TicketStatus.Done)));
    }

    [Fact]
    public void A_dependency_that_closes_a_cycle_is_refused_and_nothing_changes()
    {
        var tickets = new SqlTicketStore(Open());
        var a = tickets.CreateTicket(Draft("a"), t => Event("ticket.created", ticket: t.Id));
        var b = tickets.CreateTicket(Draft("b") with { DependsOn = [a.Number] }, t => Event("ticket.created", ticket: t.Id));

        var e = Assert.Throws<BatonException>(() => tickets.Mutate(a.Number, t => new TicketMutation(t with { Title = "changed" }, [], [b.Number])));

        Assert.Contains("cycle", e.Message);
        Assert.Equal("a", tickets.GetTicket(a.Number)!.Title);
        Assert.Empty(tickets.GetTicket(a.Number)!.DependsOn);
    }

    [Fact]
    public void A_batch_of_tickets_is_stored_whole_or_not_at_all()
    {
        var store = Open();
        var tickets = new SqlTicketStore(store);

        Assert.Throws<BatonException>(() => tickets.CreateTickets(
            [new NewTicket(Draft("ok"), []), new NewTicket(Draft("bad") with { DependsOn = [99] }, [])],
            t => Event("ticket.created", ticket: t.Id), all => Event("tickets.filed")));
        var made = tickets.CreateTickets(
            [new NewTicket(Draft("one"), []), new NewTicket(Draft("two"), [0])],
            t => Event("ticket.created", ticket: t.Id), all => Event("tickets.filed"));

        Assert.Equal(["one", "two"], tickets.ListTickets(new TicketQuery()).Select(t => t.Title));
        Assert.Equal([made[0].Number], made[1].DependsOn);
        Assert.Single(store.RecentEvents(new EventQuery(50, Type: "tickets.filed")));
    }

    [Fact]
    public void Features_count_their_tickets_by_state()
    {
        var tickets = new SqlTicketStore(Open());
        tickets.AddFeature(new Feature("auth", "Log in", "", DateTimeOffset.UtcNow), Event("feature.added"));
        tickets.AddFeature(new Feature("empty", "Nothing yet", "", DateTimeOffset.UtcNow), Event("feature.added"));
        var t1 = tickets.CreateTicket(Draft("one") with { Feature = "auth" }, t => Event("ticket.created", ticket: t.Id));
        tickets.CreateTicket(Draft("two") with { Feature = "auth" }, t => Event("ticket.created", ticket: t.Id));
        tickets.Mutate(t1.Number, t => new TicketMutation(t with { Status = TicketStatus.Done }, []));

        var statuses = tickets.FeatureStatuses();

        Assert.Equal(new FeatureStatus("auth", "Log in", 2, 1, 0, 1, 0, 0, 0), statuses[0]);
        Assert.Equal(new FeatureStatus("empty", "Nothing yet", 0, 0, 0, 0, 0, 0, 0), statuses[1]);
        Assert.Throws<BatonException>(() => tickets.AddFeature(new Feature("auth", "again", "", DateTimeOffset.UtcNow), Event("feature.added")));
    }

    [Fact]
    public void Counts_ready_numbers_stuck_dependencies_and_worktrees_come_from_the_store_as_the_row_rules_say()
    {
        var tickets = new SqlTicketStore(Open());
        tickets.AddFeature(new Feature("auth", "Log in", "", DateTimeOffset.UtcNow), Event("feature.added"));
        Ticket Add(Ticket draft) => tickets.CreateTicket(draft, t => Event("ticket.created", ticket: t.Id));
        var failed = Add(Draft("fails") with { Feature = "auth" });
        var low = Add(Draft("low") with { Priority = Priority.Low, Feature = "auth" });
        var waits = Add(Draft("waits on the failed one", "x") with { DependsOn = [failed.Number], Feature = "auth" });
        var high = Add(Draft("high", "x") with { Priority = Priority.High });
        var later = Add(Draft("waits on high") with { DependsOn = [high.Number, failed.Number] });
        tickets.Mutate(failed.Number, t => new TicketMutation(t with { Status = TicketStatus.Failed, Worktree = "/w/fails" }, []));
        tickets.Mutate(high.Number, t => new TicketMutation(t with { Status = TicketStatus.InProgress, Worktree = "/w/high" }, []));

        Assert.Equal(new Dictionary<TicketStatus, int> { [TicketStatus.Failed] = 1, [TicketStatus.Open] = 3, [TicketStatus.InProgress] = 1 }, tickets.StatusCounts(null));
        Assert.Equal(new Dictionary<TicketStatus, int> { [TicketStatus.Failed] = 1, [TicketStatus.Open] = 2 }, tickets.StatusCounts("auth"));
        Assert.Equal([low.Number], tickets.ReadyNumbers(null));
        Assert.Equal([(waits.Number, failed.Number), (later.Number, failed.Number)], tickets.StuckDependencies(null));
        Assert.Equal([(waits.Number, failed.Number)], tickets.StuckDependencies("auth"));
        Assert.Equal([failed.Number], tickets.Numbers(TicketStatus.Failed));
        Assert.Equal([(failed.Number, "/w/fails"), (high.Number, "/w/high")], tickets.Worktrees());

        tickets.Mutate(high.Number, t => new TicketMutation(t with { Status = TicketStatus.Done }, []));
        tickets.Mutate(failed.Number, t => new TicketMutation(t with { Status = TicketStatus.Done }, []));
        // Dispatch order: priority, then age; the filter is applied before the limit.
        Assert.Equal([waits.Number, later.Number, low.Number], tickets.ReadyNumbers(null));
        Assert.Equal([waits.Number, later.Number, low.Number], tickets.ReadyTickets(10).Select(t => t.Number));
        Assert.Equal([waits.Number], tickets.ReadyTickets(1, new TicketQuery(Feature: "auth")).Select(t => t.Number));
        Assert.Equal([waits.Number], tickets.ReadyTickets(5, new TicketQuery(Label: "x")).Select(t => t.Number));
        Assert.Equal([low.Number, waits.Number], tickets.ListTickets(new TicketQuery(Status: TicketStatus.Open) { Limit = 2 }).Select(t => t.Number));
        Assert.Empty(tickets.StuckDependencies(null));
    }

    [Fact]
    public void The_ready_flag_the_store_keeps_follows_dependencies_added_dropped_finished_and_reopened()
    {
        var tickets = new SqlTicketStore(Open());
        Ticket Add(Ticket draft) => tickets.CreateTicket(draft, t => Event("ticket.created", ticket: t.Id));
        void Move(Ticket t, TicketStatus status, IReadOnlyList<long>? add = null, IReadOnlyList<long>? drop = null) =>
            tickets.Mutate(t.Number, c => new TicketMutation(c with { Status = status }, [], add) { RemovedDependencies = drop });
        var a = Add(Draft("a"));
        var b = Add(Draft("b"));
        var c = Add(Draft("c") with { DependsOn = [a.Number, b.Number] });
        var d = Add(Draft("d"));
        var all = new[] { a, b, c, d };

        // Every step: the store's ready tickets are exactly those the row rule calls ready.
        void Check(params Ticket[] expected)
        {
            var statuses = tickets.Statuses();
            Assert.Equal(expected.Select(t => t.Number), tickets.ReadyNumbers(null));
            Assert.Equal(all.Select(t => tickets.GetTicket(t.Number)!).Where(t => TicketRules.IsReady(t, statuses)).Select(t => t.Number), tickets.ReadyNumbers(null));
        }

        Check(a, b, d);
        Move(a, TicketStatus.Done);
        Check(b, d);
        Move(b, TicketStatus.InProgress);
        Check(d);
        Move(b, TicketStatus.Done);
        Check(c, d);
        Move(a, TicketStatus.Queued);            // reopened: its dependent waits again
        Check(a, d);
        Move(c, TicketStatus.Open, drop: [a.Number]);
        Check(a, c, d);
        Move(c, TicketStatus.Open, add: [d.Number]);
        Check(a, d);
        Move(d, TicketStatus.Cancelled);         // only done releases a dependent
        Check(a);
        Move(d, TicketStatus.Done);
        Check(a, c);
    }

    [Fact]
    public void Usage_adds_up_per_run_and_budgets_keep_their_cents()
    {
        var store = Open();
        var usage = new SqlUsageStore(store);
        var w = NewWorker("w") with { Ticket = 7 };
        usage.Begin(w, "1.0");
        usage.Record(w, new UsageUpdate(new TokenUsage(100, 20, 0, 5, 0.25m), null, []));
        usage.Record(w, new UsageUpdate(new TokenUsage(1, 2, 3, 4, null), null, []) { Model = "m" });
        var budgets = new SqlBudgetStore(store);
        budgets.Set(new Budget { Period = BudgetPeriod.Day, Metric = BudgetMetric.Usd, Limit = 12.34m }, Event("budget.set"));

        var row = Assert.Single(usage.List());
        Assert.Equal(new TokenUsage(101, 22, 3, 9, 0.25m), row.Tokens);
        Assert.Equal(("m", 7L, "1.0"), (row.Model, row.Ticket!.Value, row.AgentVersion));
        Assert.Equal(12.34m, Assert.Single(budgets.List()).Limit);
    }
}
