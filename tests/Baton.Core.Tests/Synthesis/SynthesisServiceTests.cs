using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Handoff;
using Baton.Core.Merge;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Synthesis;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Synthesis;

public sealed class SynthesisServiceTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private const string Report = "## Summary\nTwo halves of one feature.\n## Conflicts\n- T-1 and T-2 both define Goal\n## Gaps\nNone.\n## Follow-up tickets\n- Merge the Goal types: duplicated\n- Document the API: no docs\n";

    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFiles _files = new();
    private readonly Answers _agent = new();
    private readonly Patches _patches = new();

    public void Dispose() => _db.Dispose();

    private BatonPaths Paths => BatonPaths.ForRoot("/repo");

    private DossierBuilder Dossiers() => new(_db.Merges, _patches, new FakeGit(), new FakeGit(), "/repo", new Redactor([]));

    private SynthesisService Service() => new(_agent, _db.Tickets, _db.Store, Dossiers(), _files, Paths, _time, new Redactor([]));

    private Ticket Ticket(string title, TicketStatus status, string? feature = null, string? summary = null)
    {
        var now = _time.GetUtcNow();
        return _db.Tickets.CreateTicket(new Ticket { Number = 0, Title = title, Status = status, Feature = feature, Summary = summary, CreatedAt = now, UpdatedAt = now },
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
    }

    private void Merged(Ticket t)
    {
        var now = _time.GetUtcNow();
        _db.Merges.SaveMergeRequest(new MergeRequest { Ticket = t.Number, Branch = "baton/" + t.Id, Target = "main", Status = MergeRequestStatus.Merged, Detail = Sha, CreatedAt = now, UpdatedAt = now },
            new EventRecord { Time = now, Type = EventTypes.Merged, Message = "merged" });
    }

    [Fact]
    public async Task The_agent_reads_summaries_gates_and_diffs_and_its_report_becomes_an_artifact_and_an_event()
    {
        var one = Ticket("Goal model", TicketStatus.Done, summary: "model added, 4 tests");
        var two = Ticket("Goal API", TicketStatus.Done, summary: "API added");
        Merged(one);
        var now = _time.GetUtcNow();
        _db.Merges.AddGateRun(new GateRun { Ticket = one.Number, Kind = "worktree", Status = "passed", Passed = 4, Failed = 0, Output = "4 passed", StartedAt = now });
        _agent.Reply = Report;

        var outcome = await Service().SynthesizeAsync(new SynthesisRequest { Tickets = ["T-1", "2"], Focus = "naming" }, null, CancellationToken.None);

        var prompt = Assert.Single(_agent.Asked).Prompt;
        Assert.StartsWith("Review these 2 finished tickets together: T-1, T-2.", prompt, StringComparison.Ordinal);
        Assert.Contains("Summary: model added, 4 tests", prompt, StringComparison.Ordinal);
        Assert.Contains("passed (passed 4, failed 0, skipped ?)", prompt, StringComparison.Ordinal);
        Assert.Contains("src/goal.cs +3 -1", prompt, StringComparison.Ordinal);
        Assert.Contains("+class Goal {}", prompt, StringComparison.Ordinal);
        Assert.Contains("Diff: no branch or merge recorded", prompt, StringComparison.Ordinal);
        Assert.Contains("Focus: naming", prompt, StringComparison.Ordinal);
        Assert.Equal((Sha + "^1", Sha), Assert.Single(_patches.Asked));
        Assert.Equal("synthesizer", _agent.Asked[0].Role);

        Assert.Equal("S-20260501-090000", outcome.Id);
        Assert.Equal(["T-1 and T-2 both define Goal"], outcome.Sections.Conflicts);
        Assert.Empty(outcome.Sections.Gaps);
        Assert.Equal(["Merge the Goal types: duplicated", "Document the API: no docs"], outcome.Sections.FollowUps);
        Assert.Contains("## Conflicts", _files.ReadText("/repo/.baton/synthesis/S-20260501-090000.md"), StringComparison.Ordinal);
        Assert.Contains("\"follow_ups\": [", _files.ReadText("/repo/.baton/synthesis/S-20260501-090000.json"), StringComparison.Ordinal);
        Assert.Contains(".baton/synthesis/S-20260501-090000.md", _db.Tickets.GetTicket(2)!.Artifacts);
        var e = Assert.Single(_db.Store.RecentEvents(new EventQuery(50, Type: EventTypes.SynthesisWritten)));
        Assert.Equal("T-1,T-2", e.Metadata!["tickets"]);
        Assert.Equal("2", e.Metadata["follow_ups"]);
    }

    [Fact]
    public async Task Unfinished_tickets_are_refused_before_an_agent_is_asked()
    {
        Ticket("Done", TicketStatus.Done);
        Ticket("Working", TicketStatus.InProgress);
        Ticket("Waiting", TicketStatus.Open);

        var e = await Assert.ThrowsAsync<BatonException>(() => Service().SynthesizeAsync(new SynthesisRequest { Tickets = ["T-1", "T-2", "T-3"] }, null, CancellationToken.None));

        Assert.Equal("T-2 is in-progress, T-3 is open: synthesize reviews finished tickets only (done, failed or cancelled); wait until they finish, or leave them out", e.Message);
        Assert.Empty(_agent.Asked);
        await Assert.ThrowsAsync<BatonException>(() => Service().SynthesizeAsync(new SynthesisRequest { Tickets = ["T-9"] }, null, CancellationToken.None));
    }

    [Fact]
    public void A_stream_json_answer_is_its_result_text_and_lists_are_read_from_the_sections()
    {
        var output = "{\"type\":\"system\"}\n{\"type\":\"result\",\"result\":\"## Gaps\\n1. no docs\\n* no tests\"}\n";
        Assert.Equal("## Gaps\n1. no docs\n* no tests", AgentReply.Text(output));
        Assert.Equal("plain words", AgentReply.Text("  plain words \n"));
        Assert.Equal("codex says", AgentReply.Text("{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"codex says\"}}"));
        Assert.Equal(["no docs", "no tests"], SynthesisSections.Parse(AgentReply.Text(output)).Gaps);
    }

    [Fact]
    public void A_features_result_is_written_once_when_its_last_ticket_lands()
    {
        var now = _time.GetUtcNow();
        _db.Tickets.AddFeature(new Feature("goals", "Reading goals", "", now), new EventRecord { Time = now, Type = EventTypes.FeatureAdded, Message = "added" });
        var one = Ticket("Goal model", TicketStatus.Done, "goals", "model added");
        var two = Ticket("Goal API", TicketStatus.InProgress, "goals");
        Merged(one);
        var results = new FeatureResults(_db.Tickets, _db.Store, Dossiers(), _files, Paths, _time);
        var report = new TickReport();

        results.Step(_db.Tickets.ListTickets(new TicketQuery()), report);
        Assert.False(_files.FileExists("/repo/.baton/features/goals/RESULT.md"));

        _db.Tickets.Mutate(two.Number, t => new TicketMutation(t with { Status = TicketStatus.Cancelled, Note = "not needed" }, []));
        results.Step(_db.Tickets.ListTickets(new TicketQuery()), report);
        results.Step(_db.Tickets.ListTickets(new TicketQuery()), report);

        var text = _files.ReadText("/repo/.baton/features/goals/RESULT.md");
        Assert.StartsWith("# Result: Reading goals (goals)\n<!-- baton feature result: T-1:done,T-2:cancelled -->", text, StringComparison.Ordinal);
        Assert.Contains("1 done, 0 failed, 1 cancelled, of 2", text, StringComparison.Ordinal);
        Assert.Contains("Changed: src/goal.cs (+3 -1)", text, StringComparison.Ordinal);
        Assert.Contains("- T-2 (cancelled): Goal API — not needed", text, StringComparison.Ordinal);
        Assert.Single(_db.Store.RecentEvents(new EventQuery(50, Type: EventTypes.FeatureResultWritten)));

        // A loop started again finds it written for the same tickets and leaves it.
        new FeatureResults(_db.Tickets, _db.Store, Dossiers(), _files, Paths, _time).Step(_db.Tickets.ListTickets(new TicketQuery()), report);
        Assert.Single(_db.Store.RecentEvents(new EventQuery(50, Type: EventTypes.FeatureResultWritten)));
    }

    private sealed class Answers : IAgentQuestions
    {
        public string? Reply { get; set; }

        public List<AgentQuestion> Asked { get; } = [];

        public Task<AgentAnswer> AskAsync(AgentQuestion question, IProgress<string>? progress, CancellationToken ct)
        {
            Asked.Add(question);
            Assert.NotNull(Reply);
            return Task.FromResult(new AgentAnswer(Reply, "review-1", "scripted", 0));
        }
    }

    private sealed class Patches : IGitPatches
    {
        public List<(string From, string To)> Asked { get; } = [];

        public GitPatch Patch(string repo, string from, string to, int maxPatchChars)
        {
            Asked.Add((from, to));
            const string text = "diff --git a/src/goal.cs b/src/goal.cs\n+class Goal {}\n";
            return new GitPatch([new DiffStatLine("src/goal.cs", 3, 1)], text[..Math.Min(text.Length, maxPatchChars)], text.Length > maxPatchChars, text.Length);
        }
    }
}
