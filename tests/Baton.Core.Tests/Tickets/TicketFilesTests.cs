using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Tickets;

/// <summary>The inbox and the results files, on the in-memory file system.</summary>
public sealed class TicketFilesTests
{
    private static readonly BatonPaths Paths = BatonPaths.ForRoot("/repo");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFiles _files;
    private readonly TicketsInMemory _tickets = new();
    private readonly EventLog _events = new();

    public TicketFilesTests()
    {
        _files = new InMemoryFiles(_time);
    }

    private string Inbox(string name) => Path.Combine(Paths.BatonDir, "inbox", name);

    private TicketService Service() => new(_tickets, _events, Paths, _time, new Redactor([]), () => throw new InvalidOperationException("no worker is reached"), _files);

    private InboxOutcome Import() => new TicketInbox(Service(), _events, Paths.BatonDir, _time, _files).Import();

    [Fact]
    public void A_good_task_file_becomes_a_ticket_and_moves_to_processed()
    {
        _files.WriteText(Inbox("fix.json"), """{"task_id": "fix-1", "title": "Fix the login", "priority": "high"}""");

        var outcome = Import();

        var (file, ticket) = Assert.Single(outcome.Imported);
        Assert.Equal("fix.json", file);
        Assert.Equal("Fix the login", ticket.Title);
        Assert.Equal("fix-1", ticket.ExternalId);
        Assert.Equal("file:inbox/fix.json", ticket.Source);
        Assert.Empty(outcome.Rejected);
        Assert.False(_files.FileExists(Inbox("fix.json")));
        Assert.True(_files.FileExists(Inbox("processed/fix.json")));
    }

    [Fact]
    public void A_malformed_file_goes_to_rejected_beside_an_error_file_that_says_why()
    {
        _files.WriteText(Inbox("bad.json"), """{"title": "x", "colour": "blue"}""");

        var outcome = Import();

        var (file, why) = Assert.Single(outcome.Rejected);
        Assert.Equal("bad.json", file);
        Assert.StartsWith("not a valid task file: ", why, StringComparison.Ordinal);
        Assert.Empty(outcome.Imported);
        Assert.Empty(_tickets.Created);
        Assert.True(_files.FileExists(Inbox("rejected/bad.json")));
        Assert.Equal(why + "\n", _files.ReadText(Inbox("rejected/bad.json.error")));
        var rejected = Assert.Single(_events.Events);
        Assert.Equal(EventTypes.InboxRejected, rejected.Type);
        Assert.Equal("bad.json: " + why, rejected.Message);
    }

    [Fact]
    public void A_task_without_title_or_description_is_rejected_and_the_others_still_come_in()
    {
        _files.WriteText(Inbox("a.json"), """{"priority": "low"}""");
        _files.WriteText(Inbox("b.json"), """{"description": "Write the docs\nin detail"}""");

        var outcome = Import();

        Assert.Equal("a.json", Assert.Single(outcome.Rejected).File);
        Assert.Equal("Write the docs", Assert.Single(outcome.Imported).Ticket.Title);
        Assert.True(_files.FileExists(Inbox("rejected/a.json.error")));
    }

    [Fact]
    public void Files_come_in_oldest_first_so_a_task_can_name_one_dropped_before_it()
    {
        _files.WriteText(Inbox("z-api.json"), """{"task_id": "api", "title": "API"}""");
        _time.Advance(TimeSpan.FromSeconds(1));
        _files.WriteText(Inbox("a-docs.json"), """{"task_id": "docs", "title": "Docs", "dependencies": ["api"]}""");

        var outcome = Import();

        Assert.Empty(outcome.Rejected);
        Assert.Equal(["z-api.json", "a-docs.json"], outcome.Imported.Select(i => i.File));
        Assert.Equal([1L], outcome.Imported[1].Ticket.DependsOn);
    }

    [Fact]
    public void A_name_already_processed_is_kept_under_a_new_name()
    {
        _files.WriteText(Inbox("processed/t.json"), "{}");
        _files.WriteText(Inbox("t.json"), """{"title": "Again"}""");

        Import();

        Assert.Equal("{}", _files.ReadText(Inbox("processed/t.json")));
        Assert.True(_files.FileExists(Inbox($"processed/t-{_time.GetUtcNow().ToUnixTimeMilliseconds()}.json")));
    }

    [Fact]
    public void No_inbox_folder_imports_nothing()
    {
        var outcome = Import();

        Assert.Empty(outcome.Imported);
        Assert.Empty(outcome.Rejected);
        Assert.Empty(_files.Writes);
    }

    [Fact]
    public void A_finished_ticket_leaves_its_results_file_named_after_its_task_id()
    {
        var started = _time.GetUtcNow();
        var ticket = new Ticket
        {
            Number = 7, Title = "x", Status = TicketStatus.Done, ExternalId = "team/fix 1", Assignee = "w1", Summary = "done it",
            CreatedAt = started, UpdatedAt = started, StartedAt = started, FinishedAt = started.AddSeconds(90.5),
        };

        Service().WriteResult(ticket);

        var json = _files.ReadText("/repo/.baton/results/team_fix_1.json");
        Assert.Equal(TicketResultJson.Write("team/fix 1", ticket, 90.5), json);
        Assert.Contains("\"status\": \"done\"", json, StringComparison.Ordinal);
        Assert.Equal(["/repo/.baton/results/team_fix_1.json"], _files.AllFiles);
    }

    /// <summary>Tickets as the inbox uses them: created, found by task id; anything else fails the test.</summary>
    private sealed class TicketsInMemory : ITicketStore
    {
        public List<Ticket> Created { get; } = [];

        public Ticket CreateTicket(Ticket draft, Func<Ticket, EventRecord> created)
        {
            var ticket = draft with { Number = Created.Count + 1 };
            Created.Add(ticket);
            return ticket;
        }

        public Ticket? GetTicketByExternalId(string externalId) => Created.FirstOrDefault(t => t.ExternalId == externalId);

        public IReadOnlyList<Ticket> CreateTickets(IReadOnlyList<NewTicket> tickets, Func<Ticket, EventRecord> created, Func<IReadOnlyList<Ticket>, EventRecord> filed) => throw Unexpected();

        public Ticket? GetTicket(long number) => throw Unexpected();

        public IReadOnlyList<Ticket> ListTickets(TicketQuery query) => throw Unexpected();

        public IReadOnlyList<Ticket> ReadyTickets(int limit) => throw Unexpected();

        public IReadOnlyList<Ticket> ReadyTickets(int limit, TicketQuery filter) => throw Unexpected();

        public IReadOnlyDictionary<TicketStatus, int> StatusCounts(string? feature) => throw Unexpected();

        public IReadOnlyList<long> ReadyNumbers(string? feature) => throw Unexpected();

        public IReadOnlyList<(long Ticket, long DependsOn)> StuckDependencies(string? feature) => throw Unexpected();

        public IReadOnlyList<long> Numbers(TicketStatus status) => throw Unexpected();

        public IReadOnlyList<(long Ticket, string Worktree)> Worktrees() => throw Unexpected();

        public IReadOnlyDictionary<long, TicketStatus> Statuses() => throw Unexpected();

        public IReadOnlyDictionary<long, TicketStatus> Statuses(IReadOnlyCollection<long> numbers) => throw Unexpected();

        public IReadOnlyList<long> Dependents(long number) => throw Unexpected();

        public IReadOnlyDictionary<long, IReadOnlyList<long>> AllDependents() => throw Unexpected();

        public Ticket Mutate(long number, Func<Ticket, TicketMutation> change) => throw Unexpected();

        public Feature AddFeature(Feature feature, EventRecord added) => throw Unexpected();

        public Feature? GetFeature(string name) => throw Unexpected();

        public IReadOnlyList<Feature> Features() => throw Unexpected();

        public void SetFeature(Feature feature, EventRecord changed) => throw Unexpected();

        public IReadOnlyList<FeatureStatus> FeatureStatuses() => throw Unexpected();

        public IReadOnlyList<(long? Ticket, string Kind, string Description)> ActiveBlockers() => throw Unexpected();

        public IReadOnlyList<(string BranchA, string BranchB, string Severity, string Files)> ActiveConflicts() => throw Unexpected();

        public IReadOnlyList<Blocker> Blockers(long ticket) => throw Unexpected();
    }

    /// <summary>The event log alone; workers are none of the inbox's business.</summary>
    private sealed class EventLog : IStore
    {
        public List<EventRecord> Events { get; } = [];

        public void AppendEvent(EventRecord record) => Events.Add(record);

        public Worker? GetWorker(string name) => throw Unexpected();

        public IReadOnlyList<Worker> ListWorkers(bool includeKilled) => throw Unexpected();

        public void AddWorker(Worker worker, EventRecord spawned) => throw Unexpected();

        public int UpdateWorkers(IReadOnlyList<WorkerChange> changes) => throw Unexpected();

        public IReadOnlyList<EventRecord> RecentEvents(EventQuery query) => throw Unexpected();

        public long ChangeCounter() => throw Unexpected();

        public long Version() => throw Unexpected();

        public int AppendEvents(IEnumerable<EventRecord> records) => throw Unexpected();

        public IReadOnlyList<EventRecord> EventsAfter(long afterId, int limit) => throw Unexpected();

        public long LastEventId() => throw Unexpected();
    }

    private static InvalidOperationException Unexpected() => new("a call this test did not expect");
}
