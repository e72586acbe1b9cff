using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Planning;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Planning;

public sealed class PlanServiceTests : IDisposable
{
    private const string Invalid = """
        {"tickets": [
          {"key": "model", "title": "Goal model", "paths": ["src/**"], "acceptance": ["model tests pass"]},
          {"key": "api", "title": "Goal API", "depends_on": ["ui"], "paths": ["src/api/**"], "acceptance": ["api tests pass"]},
          {"key": "ui", "title": "Goal UI", "depends_on": ["api", "store"], "paths": ["ui/**"], "acceptance": ["ui renders"]}
        ]}
        """;

    private const string Valid = """
        {"summary": "model first", "tickets": [
          {"key": "model", "title": "Goal model", "paths": ["src/model/**"], "acceptance": ["model tests pass"], "speciality": "backend"},
          {"key": "api", "title": "Goal API", "depends_on": ["model"], "paths": ["src/api/**"], "acceptance": ["api tests pass"], "priority": "high"},
          {"key": "ui", "title": "Goal UI", "depends_on": ["model"], "paths": ["ui/**"], "acceptance": ["ui renders"], "role": "implementor"}
        ]}
        """;

    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFiles _files = new();
    private readonly ScriptedQuestions _agent = new();

    public void Dispose() => _db.Dispose();

    private PlanService Service() =>
        new(_agent, _db.Tickets, _db.Store, _files, BatonPaths.ForRoot("/repo"), _time, new Redactor([])) { RoleExists = r => r is "implementor" or "planner" };

    [Fact]
    public async Task An_invalid_graph_goes_back_once_with_its_errors_and_the_repaired_one_is_filed()
    {
        _agent.Answers.Enqueue("● " + Invalid.ReplaceLineEndings(" "));
        _agent.Answers.Enqueue("Fixed:\n" + Valid);

        var outcome = await Service().PlanAsync(new PlanRequest { Request = "Add reading goals: data model, API, UI", Agent = "scripted" }, null, CancellationToken.None);

        Assert.True(outcome.Valid);
        Assert.Equal(2, outcome.Rounds.Count);
        Assert.Equal([PlanErrorKinds.UnknownDependency, PlanErrorKinds.Cycle, PlanErrorKinds.Overlap], outcome.Rounds[0].Errors.Select(e => e.Kind));
        var repair = _agent.Asked[1];
        Assert.Equal("planner", repair.Role);
        Assert.Equal("scripted", repair.Agent);
        Assert.StartsWith("Add reading goals: data model, API, UI\n", repair.Prompt, StringComparison.Ordinal);
        Assert.Contains("- $.tickets[2].depends_on[1]: unknown ticket \"store\"", repair.Prompt, StringComparison.Ordinal);
        Assert.Contains("/repo/.baton/plan/schema.json", repair.Prompt, StringComparison.Ordinal);
        Assert.True(_files.FileExists("/repo/.baton/plan/schema.json"));

        var tickets = _db.Tickets.ListTickets(new TicketQuery()).OrderBy(t => t.Number).ToList();
        Assert.Equal(["Goal model", "Goal API", "Goal UI"], tickets.Select(t => t.Title));
        Assert.Equal(["T-1", "T-2", "T-3"], outcome.Filed.Select(t => t.Id));
        Assert.Equal([1L], tickets[1].DependsOn);
        Assert.Equal([1L], tickets[2].DependsOn);
        Assert.Equal(["src/model/**"], tickets[0].Paths);
        Assert.Contains("speciality:backend", tickets[0].Labels);
        Assert.Equal(Priority.High, tickets[1].Priority);
        Assert.Equal("implementor", tickets[2].RoleWanted);
        Assert.EndsWith("## Acceptance\n- ui renders\n", tickets[2].Body, StringComparison.Ordinal);
        Assert.Equal([["model"], ["api", "ui"]], outcome.Layers.Select(l => l.ToArray()));

        var filed = Assert.Single(_db.Store.RecentEvents(new EventQuery(50, Type: EventTypes.PlanFiled)));
        Assert.Equal("model=T-1,api=T-2,ui=T-3", filed.Metadata!["tickets"]);
        Assert.Equal("3", filed.Metadata["first_errors"]);
        Assert.Equal("2", filed.Metadata["rounds"]);
    }

    [Fact]
    public async Task Still_invalid_after_the_repair_files_nothing_and_records_every_error()
    {
        _agent.Answers.Enqueue(Invalid);
        _agent.Answers.Enqueue(Invalid);

        var outcome = await Service().PlanAsync(new PlanRequest { Request = "goals" }, null, CancellationToken.None);

        Assert.False(outcome.Valid);
        Assert.Equal(3, outcome.Errors.Count);
        Assert.Equal(2, _agent.Asked.Count);
        Assert.Empty(_db.Tickets.ListTickets(new TicketQuery()));
        var rejected = Assert.Single(_db.Store.RecentEvents(new EventQuery(50, Type: EventTypes.PlanRejected)));
        Assert.Contains("unknown ticket \"store\"", rejected.Metadata!["error_list"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_checks_and_files_nothing()
    {
        _agent.Answers.Enqueue(Valid);

        var outcome = await Service().PlanAsync(new PlanRequest { Request = "goals", DryRun = true }, null, CancellationToken.None);

        Assert.True(outcome.Valid);
        Assert.Single(_agent.Asked);
        Assert.Empty(outcome.Filed);
        Assert.Empty(_db.Tickets.ListTickets(new TicketQuery()));
        Assert.Single(_db.Store.RecentEvents(new EventQuery(50, Type: EventTypes.PlanChecked)));
    }

    [Fact]
    public async Task An_answer_without_a_plan_is_an_error_the_agent_is_told_of()
    {
        _agent.Answers.Enqueue("I could not decide.");
        _agent.Answers.Enqueue(Valid);

        var outcome = await Service().PlanAsync(new PlanRequest { Request = "goals" }, null, CancellationToken.None);

        Assert.True(outcome.Valid);
        Assert.Equal(PlanErrorKinds.NoGraph, Assert.Single(outcome.Rounds[0].Errors).Kind);
        Assert.Contains("(no JSON plan was found in your answer)", _agent.Asked[1].Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feature_that_does_not_exist_is_refused_before_an_agent_is_asked()
    {
        var e = await Assert.ThrowsAsync<BatonException>(() => Service().PlanAsync(new PlanRequest { Request = "goals", Feature = "nope" }, null, CancellationToken.None));
        Assert.Contains("unknown feature 'nope'", e.Message, StringComparison.Ordinal);
        Assert.Empty(_agent.Asked);
    }

    [Fact]
    public async Task Tickets_go_into_the_feature_and_may_wait_for_existing_tickets()
    {
        var now = _time.GetUtcNow();
        _db.Tickets.AddFeature(new Feature("goals", "Reading goals", "", now), new EventRecord { Time = now, Type = EventTypes.FeatureAdded, Message = "added" });
        var old = _db.Tickets.CreateTicket(new Ticket { Number = 0, Title = "Old", Status = TicketStatus.Open, CreatedAt = now, UpdatedAt = now }, t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Message = "c" });
        _agent.Answers.Enqueue("{\"tickets\": [{\"key\": \"a\", \"title\": \"After old\", \"depends_on\": [\"T-1\"], \"acceptance\": [\"ok\"]}]}");

        var outcome = await Service().PlanAsync(new PlanRequest { Request = "goals", Feature = "goals" }, null, CancellationToken.None);

        var filed = Assert.Single(outcome.Filed);
        Assert.Equal("goals", filed.Feature);
        Assert.Equal([old.Number], filed.DependsOn);
    }

    /// <summary>The planning agent: answers from a queue and records each question; a question with no answer left fails the test.</summary>
    private sealed class ScriptedQuestions : IAgentQuestions
    {
        public Queue<string> Answers { get; } = new();

        public List<AgentQuestion> Asked { get; } = [];

        public Task<AgentAnswer> AskAsync(AgentQuestion question, IProgress<string>? progress, CancellationToken ct)
        {
            Asked.Add(question);
            Assert.True(Answers.Count > 0, "the agent was asked more often than the test expected");
            return Task.FromResult(new AgentAnswer(Answers.Dequeue(), "plan-" + Asked.Count, question.Agent ?? "scripted", 0));
        }
    }
}
